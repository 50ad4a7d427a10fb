#include "domains/clients/model.hpp"

namespace upravdom::clients {

bool IsClientType(const std::string& type) {
  return type == "individual" || type == "legal_entity" || type == "sole_proprietor" ||
         type == "foreign_branch";
}

bool IsPerson(const std::string& type) {
  return type == "individual" || type == "sole_proprietor";
}

std::string FullName(const Client& client) {
  if (client.type != "individual" && client.organization_name) return *client.organization_name;
  std::string name;
  for (const auto* part : {&client.last_name, &client.first_name, &client.middle_name}) {
    if (!*part) continue;
    if (!name.empty()) name += ' ';
    name += **part;
  }
  if (name.empty() && client.organization_name) return *client.organization_name;
  return name;
}

}  // namespace upravdom::clients
