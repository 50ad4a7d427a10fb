#include "domains/resident/handlers.hpp"

#include "core/json_input.hpp"
#include "core/validation.hpp"

namespace upravdom::resident {

namespace {

constexpr const char* kBase = "/api/resident/v1";

std::string Path(const std::string& rest) {
  return kBase + rest;
}

nlohmann::json OptionalId(const std::optional<long long>& id) {
  return id ? nlohmann::json(*id) : nlohmann::json(nullptr);
}

nlohmann::json MeJson(const Me& me) {
  nlohmann::json clients = nlohmann::json::array();
  for (const ResidentClient& c : me.clients)
    clients.push_back({{"client_id", c.client_id},
                       {"organization", {{"id", c.organization_id}, {"name", c.organization_name}}},
                       {"full_name", c.full_name},
                       {"status", c.status}});
  return {{"phone", me.phone}, {"clients", clients}};
}

nlohmann::json LinkJson(const LinkItem& link) {
  return {{"client_id", link.client_id},
          {"full_name", link.full_name},
          {"role", link.role},
          {"owner_client_id", OptionalId(link.owner_client_id)},
          {"created_by", link.created_by}};
}

http::Response NoStore(http::Response response) {
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace

void RegisterResidentRoutes(http::Router& router, ResidentService& service) {
  router.Add(
      "POST", Path("/auth/code"),
      [&service](http::Request& request) {
        nlohmann::json body = ParseJsonObject(request.body);
        BodyReader reader(body);
        auto phone = reader.Text("phone", {.required = true, .max_length = 40});
        reader.Finish();
        long long expires_in = service.RequestCode(*phone, request.remote_address);
        return http::Response::Json({{"expires_in", expires_in}}, 202);
      },
      http::Access::kPublic);

  router.Add(
      "POST", Path("/auth/verify"),
      [&service](http::Request& request) {
        nlohmann::json body = ParseJsonObject(request.body);
        BodyReader reader(body);
        auto phone = reader.Text("phone", {.required = true, .max_length = 40});
        auto code = reader.Text("code", {.required = true, .max_length = 20});
        reader.Finish();
        SignIn result = service.Verify(*phone, *code);
        return NoStore(
            http::Response::Json({{"token", result.token}, {"resident", MeJson(result.me)}}));
      },
      http::Access::kPublic);

  router.Add(
      "POST", Path("/auth/logout"),
      [&service](http::Request& request) {
        service.Logout(ResidentService::BearerToken(request));
        return http::Response::NoContent();
      },
      http::Access::kResident);

  router.Add(
      "GET", Path("/me"),
      [&service](http::Request& request) {
        return http::Response::Json(MeJson(service.ReadMe(request.Who())));
      },
      http::Access::kResident);

  router.Add(
      "GET", Path("/premises"),
      [&service](http::Request& request) {
        nlohmann::json items = nlohmann::json::array();
        for (const PremiseView& view : service.Premises(request.Who()))
          items.push_back(
              {{"id", view.link.premise_id},
               {"organization",
                {{"id", view.link.organization_id}, {"name", view.link.organization_name}}},
               {"address", view.address},
               {"type", view.type},
               {"role", view.link.role},
               {"client_id", view.link.client_id}});
        return http::Response::Json({{"items", items}});
      },
      http::Access::kResident);

  router.Add(
      "GET", Path("/premises/{id}/accounts"),
      [&service](http::Request& request) {
        nlohmann::json items = nlohmann::json::array();
        for (const AccountItem& a : service.Accounts(request.Who(), request.PathId("id")))
          items.push_back(
              {{"id", a.id},
               {"number", a.number},
               {"unified_account",
                a.unified_account ? nlohmann::json(*a.unified_account) : nlohmann::json(nullptr)},
               {"legal_entity", {{"id", a.legal_entity_id}, {"name", a.legal_entity_name}}},
               {"debt", a.debt}});
        return http::Response::Json({{"items", items}});
      },
      http::Access::kResident);

  router.Add(
      "GET", Path("/premises/{id}/clients"),
      [&service](http::Request& request) {
        nlohmann::json items = nlohmann::json::array();
        for (const LinkItem& link : service.Links(request.Who(), request.PathId("id")))
          items.push_back(LinkJson(link));
        return http::Response::Json({{"items", items}});
      },
      http::Access::kResident);

  router.Add(
      "POST", Path("/premises/{id}/clients"),
      [&service](http::Request& request) {
        const long long premise_id = request.PathId("id");
        nlohmann::json body = ParseJsonObject(request.body);
        BodyReader reader(body);
        NewDependant dependant;
        auto phone = reader.Text("phone", {.required = true, .max_length = 40});
        // Names follow the client card's rules (letters, spaces, hyphens; ≤ 100).
        auto name = [&](const std::string& field, bool required) {
          std::optional<std::string> value =
              reader.Text(field, {.required = required, .max_length = 100});
          if (value)
            if (auto problem = validation::CheckPersonName(*value)) reader.Fail(field, *problem);
          return value;
        };
        auto last_name = name("last_name", true);
        auto first_name = name("first_name", true);
        dependant.middle_name = name("middle_name", false);
        auto role = reader.Text("role", {.required = true, .max_length = 30});
        if (role && *role != "owner" && *role != "unconfirmed_owner" && *role != "representative" &&
            *role != "resident" && *role != "tenant")
          reader.Fail("role", "Допустимо: representative, resident или tenant");
        // Every problem is collected; the service reports them after the rights (L-4).
        FieldErrors errors;
        try {
          reader.Finish();
        } catch (const ApiError& error) {
          errors = error.fields();
        }
        dependant.phone = phone.value_or("");
        dependant.last_name = last_name.value_or("");
        dependant.first_name = first_name.value_or("");
        dependant.role = role.value_or("");
        if (!role) errors.emplace("role", "Укажите роль");
        if (!phone) errors.emplace("phone", "Укажите телефон");
        LinkItem link =
            service.AddDependant(request.Who(), premise_id, dependant, std::move(errors));
        return http::Response::Json(LinkJson(link), 201);
      },
      http::Access::kResident);

  router.Add(
      "DELETE", Path("/premises/{id}/clients/{client_id}"),
      [&service](http::Request& request) {
        service.RemoveDependant(request.Who(), request.PathId("id"), request.PathId("client_id"));
        return http::Response::NoContent();
      },
      http::Access::kResident);
}

}  // namespace upravdom::resident
