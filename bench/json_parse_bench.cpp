// json_parse_bench: the import API's reading of a batch without the engine — how much of an
// import's time the two passes over the JSON body take, apart from the database work.
//
//   json_parse_bench FILE [REPEAT]
//
// FILE is a batch as POST /api/v1/exchange/import takes it (bench/import_bench.sh's records:
// `python3 bench/import_client.py body --records N > FILE`). Prints one JSON line: bytes,
// records, header_s (the first pass: ReadBatchHeader, which checks the whole body and counts
// the records before anything is written) and records_s (the second: ForEachRecord building
// every record's JSON), each the best of REPEAT runs (default 5).
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "domains/exchange/batch_reader.hpp"

using namespace upravdom;
using namespace upravdom::exchange;

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::cerr << "usage: json_parse_bench FILE [REPEAT]\n";
    return 2;
  }
  try {
    std::ifstream in(argv[1], std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string body = buffer.str();
    const int repeat = argc == 3 ? std::max(1, std::stoi(argv[2])) : 5;
    double header_s = 1e9, records_s = 1e9;
    size_t header_records = 0, records = 0, fields = 0;
    for (int i = 0; i < repeat; ++i) {
      auto start = std::chrono::steady_clock::now();
      header_records = ReadBatchHeader(body).records;
      header_s = std::min(header_s, Seconds(start));
      start = std::chrono::steady_clock::now();
      records = fields = 0;
      ForEachRecord(body, [&](size_t, nlohmann::json& record) {
        ++records;
        fields += record.size();
        return true;
      });
      records_s = std::min(records_s, Seconds(start));
    }
    nlohmann::json out = {{"bytes", body.size()},
                          {"records", records},
                          {"header_records", header_records},
                          {"header_s", header_s},
                          {"records_s", records_s}};
    std::cout << out.dump() << std::endl;
    return fields > 0 && records == header_records ? 0 : 1;
  } catch (const ApiError& error) {
    std::cerr << "json_parse_bench: " << error.message() << "\n";
    return 1;
  }
}
