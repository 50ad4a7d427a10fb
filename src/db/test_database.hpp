// A database file of its own for a unit test, removed (with its WAL) afterwards.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace upravdom::db {

class TestDatabaseFile {
 public:
  TestDatabaseFile() {
    static std::atomic<int> counter{0};
    path_ =
        std::filesystem::temp_directory_path() / ("upravdom-db-test-" + std::to_string(::getpid()) +
                                                  "-" + std::to_string(counter++) + ".db");
    Remove();
  }
  ~TestDatabaseFile() { Remove(); }
  TestDatabaseFile(const TestDatabaseFile&) = delete;
  TestDatabaseFile& operator=(const TestDatabaseFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string url() const { return "sqlite:" + path_.string(); }
  // The connect string of SOCI's SQLite backend.
  std::string connect() const { return "db=\"" + path_.string() + "\""; }

 private:
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_.string() + suffix);
  }
  std::filesystem::path path_;
};

}  // namespace upravdom::db
