#include "core/polling_thread.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

using namespace std::chrono_literals;
using upravdom::PollingThread;

namespace {

// Waits up to 5 s for the condition (the loop runs on its own thread).
template <class F>
bool Eventually(F&& condition) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!condition() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  return condition();
}

}  // namespace

TEST(PollingThread, StepsAtOnceAndWhenWoken) {
  std::atomic<int> steps = 0;
  PollingThread loop("test", std::chrono::hours(1), [&] { ++steps; });
  EXPECT_TRUE(Eventually([&] { return steps >= 1; }));
  loop.Wake();
  EXPECT_TRUE(Eventually([&] { return steps >= 2; }));
}

TEST(PollingThread, StepsEveryInterval) {
  std::atomic<int> steps = 0;
  PollingThread loop("test", 5ms, [&] { ++steps; });
  EXPECT_TRUE(Eventually([&] { return steps >= 3; }));
}

TEST(PollingThread, AStepThatThrowsDoesNotEndTheLoop) {
  std::atomic<int> steps = 0;
  PollingThread loop("test", 5ms, [&] {
    ++steps;
    throw std::runtime_error("failed");
  });
  EXPECT_TRUE(Eventually([&] { return steps >= 2; }));
}

TEST(PollingThread, DestructionWaitsForTheStepInProgress) {
  std::atomic<bool> started = false, finished = false;
  {
    PollingThread loop("test", std::chrono::hours(1), [&] {
      started = true;
      std::this_thread::sleep_for(50ms);
      finished = true;
    });
    ASSERT_TRUE(Eventually([&] { return started.load(); }));
  }
  EXPECT_TRUE(finished);
}
