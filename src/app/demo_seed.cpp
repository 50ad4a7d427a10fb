#include "app/demo_seed.hpp"

#include "domains/reference/spec.hpp"

namespace upravdom::app {

namespace {

const reference::ResourceSpec& Spec(const std::string& table) {
  for (const auto& spec : reference::ReferenceSpecs())
    if (spec.table == table) return spec;
  throw std::logic_error("no spec for " + table);
}

long long Create(Application& app, long long org, const std::string& table,
                 const nlohmann::json& body, std::optional<long long> parent = std::nullopt) {
  reference::Values created = app.reference().Create(Spec(table), org, parent, body);
  return std::get<long long>(created.at("id"));
}

}  // namespace

DemoLogin SeedDemo(Application& app) {
  DemoLogin demo{"demo", "demo12345", false};
  if (app.access().LoginExists(demo.login)) return demo;

  long long org = app.access().CreateOrganization("УК «Уютный дом»");

  long long north = Create(app, org, "object_groups", {{"name", "Северный район"}});
  long long south = Create(app, org, "object_groups", {{"name", "Южный район"}});
  long long q1 = Create(app, org, "quarters", {{"name", "Квартал 1"}, {"object_group_id", north}});
  long long q2 = Create(app, org, "quarters", {{"name", "Квартал 2"}, {"object_group_id", north}});
  Create(app, org, "quarters", {{"name", "Квартал Б"}, {"object_group_id", south}});

  struct Building {
    const char* name;
    long long quarter;
    const char* street;
    const char* house;
    int entrances;
    int floors;
  };
  const Building buildings[] = {
      {"ЖК «Солнечный», корпус 1", q1, "ул. Ленина", "10", 3, 9},
      {"ЖК «Солнечный», корпус 2", q1, "ул. Ленина", "10к2", 2, 12},
      {"ЖК «Северный»", q2, "пр-т Мира", "25А", 4, 17},
  };
  std::vector<long long> objects;
  for (const Building& b : buildings) {
    long long object = Create(app, org, "objects",
                              {{"name", b.name},
                               {"quarter_id", b.quarter},
                               {"city", "Москва"},
                               {"street", b.street},
                               {"house", b.house}});
    objects.push_back(object);
    for (int e = 1; e <= b.entrances; ++e) {
      long long entrance = Create(app, org, "entrances", {{"number", e}}, object);
      for (int f = 1; f <= b.floors; ++f)
        Create(app, org, "floors", {{"number", f}, {"entrance_id", entrance}}, object);
    }
  }
  long long village = Create(app, org, "objects",
                             {{"name", "Коттеджный посёлок «Берёзки»"},
                              {"object_group_id", south},
                              {"city", "Московская область"},
                              {"street", "ул. Берёзовая"},
                              {"house", "1"}});

  Create(app, org, "legal_entities",
         {{"name", "ООО «Уютный дом»"},
          {"inn", "7736207543"},
          {"kpp", "773601001"},
          {"ogrn", "1027700132195"}});
  Create(app, org, "legal_entities",
         {{"name", "ООО «Застройщик Солнечный»"}, {"inn", "7707083893"}, {"kpp", "773601002"}});
  // A few premises and clients so that the registers are not empty on the first visit.
  Actor actor{org, std::nullopt, "Демо-данные"};
  int flat = 1;
  for (long long object : objects) {
    for (int i = 0; i < 12; ++i, ++flat) {
      app.premises().Create(
          actor, {{"object_id", object},
                  {"type", "flat"},
                  {"number", std::to_string(flat)},
                  {"total_area", 35.5 + (flat % 7) * 9.25},
                  {"living_area", 20 + (flat % 4) * 3.5},
                  {"rooms", 1 + flat % 3},
                  {"tags", flat % 5 == 0 ? nlohmann::json{"Угловая"} : nlohmann::json::array()}});
    }
    app.premises().Create(actor, {{"object_id", object},
                                  {"type", "parking"},
                                  {"number", "1"},
                                  {"level", "-1"},
                                  {"total_area", 13.25}});
  }
  app.premises().Create(actor, {{"object_id", village},
                                {"type", "house"},
                                {"street", "ул. Берёзовая"},
                                {"house", "7"},
                                {"total_area", 142}});
  const char* people[][4] = {{"Иванов", "Пётр", "Сергеевич", "+79161234567"},
                             {"Петрова", "Анна", "Игоревна", "+79031112233"},
                             {"Ёлкин", "Иван", "Андреевич", "+79265554433"},
                             {"Смирнова", "Ольга", "", "+79857770011"}};
  for (const auto& person : people) {
    nlohmann::json body = {
        {"last_name", person[0]}, {"first_name", person[1]}, {"phone", person[3]}};
    if (*person[2]) body["middle_name"] = person[2];
    app.clients().Create(actor, {}, body);
  }
  app.clients().Create(actor, {},
                       {{"type", "legal_entity"},
                        {"organization_name", "ООО «Ромашка»"},
                        {"inn", "7736207543"},
                        {"phone", "+74951234567"}});
  // The login last: a seed that failed half-way is retried by the next run.
  app.access().CreateUser(org, demo.login, demo.password, "admin", "Демо Администратор");
  demo.created = true;
  return demo;
}

}  // namespace upravdom::app
