#include "http/params.hpp"

#include <limits>

#include "core/error.hpp"

namespace upravdom::http {

long long QueryInteger(const std::string& name, const std::string& value, long long min,
                       long long max) {
  bool digits = !value.empty() && value.size() <= 18 &&
                value.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || std::stoll(value) < min || std::stoll(value) > max)
    throw ApiError(
        ErrorCode::kBadRequest, "Неверный параметр запроса «" + name + "»",
        {{name, "Ожидается целое число от " + std::to_string(min) + " до " + std::to_string(max)}});
  return std::stoll(value);
}

std::vector<long long> QueryIds(const Request& request, const std::string& name) {
  std::vector<long long> ids;
  for (const std::string& value : request.QueryValues(name))
    ids.push_back(QueryInteger(name, value, 1, std::numeric_limits<long long>::max()));
  return ids;
}

void RejectUnknownParams(const Request& request, const std::set<std::string>& known) {
  for (const auto& [name, value] : request.query)
    if (!known.count(name))
      throw ApiError(ErrorCode::kBadRequest, "Неизвестный параметр запроса «" + name + "»",
                     {{name, "Неизвестный параметр"}});
}

void ReadPaging(const Request& request, long long& limit, long long& offset) {
  if (auto value = request.QueryValue("limit")) limit = QueryInteger("limit", *value, 1, 500);
  if (auto value = request.QueryValue("offset"))
    offset = QueryInteger("offset", *value, 0, 1'000'000'000);
}

}  // namespace upravdom::http
