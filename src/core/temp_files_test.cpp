#include "core/temp_files.hpp"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

using namespace upravdom;
namespace fs = std::filesystem;

TEST(RemoveStaleTempFiles, OnlyOldFilesWithThePrefix) {
  const fs::path dir =
      fs::temp_directory_path() / ("upravdom-temp-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto make = [&](const std::string& name, std::chrono::hours age) {
    std::ofstream(dir / name) << "x";
    fs::last_write_time(dir / name, fs::file_time_type::clock::now() - age);
  };
  make("upravdom-fetch-old", std::chrono::hours(3));
  make("upravdom-fetch-new", std::chrono::hours(0));
  make("other-old", std::chrono::hours(3));
  fs::create_directory(dir / "upravdom-fetch-dir");
  fs::create_symlink(dir / "other-old", dir / "upravdom-fetch-link");
  EXPECT_EQ(RemoveStaleTempFiles(dir, "upravdom-fetch-", std::chrono::hours(1)), 1);
  EXPECT_FALSE(fs::exists(dir / "upravdom-fetch-old"));
  EXPECT_TRUE(fs::exists(dir / "upravdom-fetch-new")) << "a download may still be writing it";
  EXPECT_TRUE(fs::exists(dir / "other-old")) << "another prefix";
  EXPECT_TRUE(fs::exists(dir / "upravdom-fetch-dir"));
  EXPECT_TRUE(fs::is_symlink(dir / "upravdom-fetch-link")) << "a link is not followed";
  EXPECT_EQ(RemoveStaleTempFiles(dir / "missing", "x", std::chrono::hours(1)), 0);
  fs::remove_all(dir);
}
