// Reading query-string parameters: integers, ids and paging, with 400 naming the parameter.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "http/types.hpp"

namespace upravdom::http {

long long QueryInteger(const std::string& name, const std::string& value, long long min,
                       long long max);
// Every value of a repeatable id parameter (?object_id=1&object_id=2).
std::vector<long long> QueryIds(const Request& request, const std::string& name);
// 400 naming the first query parameter that is not in `known`.
void RejectUnknownParams(const Request& request, const std::set<std::string>& known);
// `limit` (1…500) and `offset`; leaves the defaults when absent.
void ReadPaging(const Request& request, long long& limit, long long& offset);

}  // namespace upravdom::http
