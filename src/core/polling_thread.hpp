// A background thread that does one step of work at once, then again after an interval or
// when woken, until it is destroyed: the outboxes (SMS, report e-mail) and the planner
// statistics keeper are such loops.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace upravdom {

class PollingThread {
 public:
  // `name` is for the log: an exception a step throws is logged as «`name`: …» and the loop
  // goes on at the next interval.
  PollingThread(std::string name, std::chrono::milliseconds interval, std::function<void()> step);
  // Stops the loop: waits for a step in progress, runs no other.
  ~PollingThread();
  PollingThread(const PollingThread&) = delete;
  PollingThread& operator=(const PollingThread&) = delete;

  // Runs the next step now instead of at the end of the interval (a step in progress runs
  // to its end first, then the next one starts at once).
  void Wake();

 private:
  void Run();

  std::string name_;
  std::chrono::milliseconds interval_;
  std::function<void()> step_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;  // last: started when every other member is ready
};

}  // namespace upravdom
