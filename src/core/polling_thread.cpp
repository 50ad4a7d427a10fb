#include "core/polling_thread.hpp"

#include <exception>

#include <spdlog/spdlog.h>

namespace upravdom {

PollingThread::PollingThread(std::string name, std::chrono::milliseconds interval,
                             std::function<void()> step)
    : name_(std::move(name)),
      interval_(interval),
      step_(std::move(step)),
      thread_([this] { Run(); }) {}

PollingThread::~PollingThread() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void PollingThread::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void PollingThread::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    try {
      step_();
    } catch (const std::exception& e) {
      spdlog::warn("{}: {}", name_, e.what());
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_ || woken_; });
  }
}

}  // namespace upravdom
