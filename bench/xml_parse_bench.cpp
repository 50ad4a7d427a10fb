// xml_parse_bench: the XML import without the engine, for bench/xml_import_bench.sh — how
// fast the file is fetched and read, apart from the database work.
//
//   xml_parse_bench FILE
//   xml_parse_bench --ftp HOST PORT USER PASSWORD PATH   (fetched first with FetchToTempFile)
//
// Prints one JSON line: bytes, records, fetch_s (FTP only), header_s (the first pass:
// ReadXmlHeader), records_s (the second pass: ForEachXmlRecord building every record's
// JSON), parse_rate (records / both passes), and the process's RSS at start and its peak
// (VmHWM), in MB.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "domains/exchange/fetch.hpp"
#include "domains/exchange/xml_reader.hpp"

using namespace upravdom;
using namespace upravdom::exchange;

namespace {

double StatusMb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::stod(line.substr(std::string(key).size())) / 1024;
  return 0;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    nlohmann::json out;
    out["rss_start_mb"] = StatusMb("VmRSS:");
    std::string path;
    bool fetched = false;
    if (argc == 7 && std::string(argv[1]) == "--ftp") {
      FtpSettings ftp{argv[2], std::stoi(argv[3]), argv[4], argv[5]};
      auto start = std::chrono::steady_clock::now();
      // A tool run by hand against a peer it is given (the bench's is on loopback).
      FetchedFile file = FetchToTempFile(argv[6], ftp, {.allow_private = true});
      out["fetch_s"] = Seconds(start);
      path = file.path;
      fetched = true;
    } else if (argc == 2) {
      path = argv[1];
    } else {
      std::cerr << "usage: xml_parse_bench FILE | --ftp HOST PORT USER PASSWORD PATH\n";
      return 2;
    }
    out["bytes"] = std::filesystem::file_size(path);
    auto start = std::chrono::steady_clock::now();
    XmlHeader header = ReadXmlHeader(path);
    out["header_s"] = Seconds(start);
    start = std::chrono::steady_clock::now();
    size_t records = 0, fields = 0;
    ForEachXmlRecord(path, [&](size_t, nlohmann::json& record) {
      ++records;
      fields += record.size();
      return true;
    });
    out["records_s"] = Seconds(start);
    out["records"] = records;
    out["header_records"] = header.records;
    const double both = out["header_s"].get<double>() + out["records_s"].get<double>();
    out["parse_rate"] = both > 0 ? static_cast<double>(records) / both : 0;
    out["rss_peak_mb"] = StatusMb("VmHWM:");
    if (fetched) std::filesystem::remove(path);
    std::cout << out.dump() << std::endl;
    return fields > 0 ? 0 : 1;
  } catch (const ApiError& error) {
    std::cerr << "xml_parse_bench: " << error.message() << "\n";
    return 1;
  }
}
