#include "app/demo_seed.hpp"

#include <ctime>

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

// "YYYY-MM" of the month `back` months before the current one (UTC).
std::string MonthBefore(int back) {
  std::time_t now = std::time(nullptr);
  std::tm today{};
  gmtime_r(&now, &today);
  int months = today.tm_year * 12 + today.tm_mon - back;
  const int month = months % 12 + 1;
  return std::to_string(1900 + months / 12) + (month < 10 ? "-0" : "-") + std::to_string(month);
}

// Who lives where (owners with shares and ДДУ, residents, tenants, a representative) and
// personal accounts with a year of charges and some payments, so that the registers show
// debts. clients: Иванов, Петрова, Ёлкин, Смирнова, ООО «Ромашка».
void SeedLinksAndAccounts(Application& app, const Actor& actor, const std::vector<long long>& flats,
                          const std::vector<long long>& parkings,
                          const std::vector<long long>& clients, long long management,
                          long long developer) {
  const long long ivanov = clients[0], petrova = clients[1], yolkin = clients[2],
                  smirnova = clients[3], romashka = clients[4];
  auto link = [&](long long premise, long long client, nlohmann::json body) {
    body["client_id"] = client;
    app.links().CreateForPremise(actor, premise, body);
  };
  link(flats[0], ivanov,
       {{"ownership_share", "1/2"}, {"ddu_number", "ДДУ-14/2019"}, {"ddu_date", "2019-03-14"}});
  link(flats[0], petrova,
       {{"ownership_share", "1/2"},
        {"ddu_number", "ДДУ-14/2019"},
        {"ddu_date", "2019-03-14"},
        {"certificate_number", "77-77/001-77/001/2020-1"},
        {"certificate_date", "2020-02-01"}});
  link(flats[0], yolkin, {{"role", "resident"}, {"owner_client_id", ivanov}});
  link(flats[1], smirnova, {{"ownership_share", "100%"}, {"online_payment", true}});
  link(flats[1], ivanov, {{"role", "tenant"}, {"owner_client_id", smirnova}});
  link(flats[2], romashka,
       {{"ownership_share", "1/1"},
        {"ddu_number", "ДДУ-2/2018"},
        {"ddu_date", "2018-11-02"},
        {"management_contract_number", "ДУ-118"},
        {"management_contract_date", "2019-01-10"}});
  link(flats[2], yolkin, {{"role", "representative"}, {"owner_client_id", romashka}});
  link(flats[12], petrova, {{"role", "unconfirmed_owner"}, {"ownership_share", "2/3"}});
  link(flats[24], yolkin,
       {{"ownership_share", "1/1"}, {"ddu_number", "ДДУ-77/2020"}, {"ddu_date", "2020-07-01"}});
  link(parkings[0], ivanov, {{"ddu_number", "ДДУ-М-3"}, {"ddu_date", "2019-05-20"}});

  struct AccountPlan {
    long long premise;
    long long legal_entity;
    const char* number;
    const char* unified;
    long long monthly;  // kopecks of «Содержание жилья»
    int unpaid_months;  // the last months without a payment (-1: overpaid)
  };
  const AccountPlan plans[] = {
      {flats[0], management, "100001", "45АБ123456", 312050, 3},
      {flats[0], developer, "З-0001", nullptr, 48000, 0},
      {flats[1], management, "100002", "45АБ123457", 287500, 1},
      {flats[2], management, "100003", nullptr, 356000, 6},
      {flats[12], management, "100013", "45АВ000013", 299900, 0},
      {flats[24], management, "100025", nullptr, 401200, -1},
      {parkings[0], management, "200001", nullptr, 95000, 2},
  };
  for (const AccountPlan& plan : plans) {
    nlohmann::json body = {{"legal_entity_id", plan.legal_entity}, {"number", plan.number}};
    if (plan.unified) body["unified_account"] = plan.unified;
    long long account = app.accounts().Create(actor, plan.premise, body).id;
    for (int back = 11; back >= 0; --back) {
      const std::string period = MonthBefore(back);
      app.accounts().AddCharge(
          actor, account,
          {{"period", period}, {"service", "Содержание жилья"}, {"amount", plan.monthly}});
      app.accounts().AddCharge(
          actor, account,
          {{"period", period}, {"service", "Вывоз ТКО"}, {"amount", plan.monthly / 10}});
      // Each month is paid on the 10th of the next one, except the last unpaid months.
      if (back >= 1 && back > plan.unpaid_months) {
        long long paid = plan.monthly + plan.monthly / 10;
        if (plan.unpaid_months < 0 && back == 1) paid += 600000;  // paid ahead: overpaid
        app.accounts().AddPayment(
            actor, account,
            {{"date", MonthBefore(back - 1) + "-10"}, {"amount", paid}, {"source", "Сбербанк"}});
      }
    }
  }
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

  long long management = Create(app, org, "legal_entities",
                                {{"name", "ООО «Уютный дом»"},
                                 {"inn", "7736207543"},
                                 {"kpp", "773601001"},
                                 {"ogrn", "1027700132195"}});
  long long developer =
      Create(app, org, "legal_entities",
             {{"name", "ООО «Застройщик Солнечный»"}, {"inn", "7707083893"}, {"kpp", "773601002"}});
  // A few premises and clients so that the registers are not empty on the first visit.
  Actor actor{org, std::nullopt, "Демо-данные"};
  int flat = 1;
  std::vector<long long> flats, parkings;
  for (long long object : objects) {
    for (int i = 0; i < 12; ++i, ++flat) {
      flats.push_back(app.premises()
                          .Create(actor, {{"object_id", object},
                                          {"type", "flat"},
                                          {"number", std::to_string(flat)},
                                          {"total_area", 35.5 + (flat % 7) * 9.25},
                                          {"living_area", 20 + (flat % 4) * 3.5},
                                          {"rooms", 1 + flat % 3},
                                          {"tags", flat % 5 == 0 ? nlohmann::json{"Угловая"}
                                                                 : nlohmann::json::array()}})
                          .premise.id);
    }
    parkings.push_back(app.premises()
                           .Create(actor, {{"object_id", object},
                                           {"type", "parking"},
                                           {"number", "1"},
                                           {"level", "-1"},
                                           {"total_area", 13.25}})
                           .premise.id);
  }
  app.premises().Create(actor, {{"object_id", village},
                                {"type", "house"},
                                {"street", "ул. Берёзовая"},
                                {"house", "7"},
                                {"total_area", 142}});
  std::vector<long long> clients;
  const char* people[][4] = {{"Иванов", "Пётр", "Сергеевич", "+79161234567"},
                             {"Петрова", "Анна", "Игоревна", "+79031112233"},
                             {"Ёлкин", "Иван", "Андреевич", "+79265554433"},
                             {"Смирнова", "Ольга", "", "+79857770011"}};
  for (const auto& person : people) {
    nlohmann::json body = {
        {"last_name", person[0]}, {"first_name", person[1]}, {"phone", person[3]}};
    if (*person[2]) body["middle_name"] = person[2];
    clients.push_back(app.clients().Create(actor, {}, body).id);
  }
  clients.push_back(app.clients()
                        .Create(actor, {},
                                {{"type", "legal_entity"},
                                 {"organization_name", "ООО «Ромашка»"},
                                 {"inn", "7736207543"},
                                 {"phone", "+74951234567"}})
                        .id);
  SeedLinksAndAccounts(app, actor, flats, parkings, clients, management, developer);
  // The login last: a seed that failed half-way is retried by the next run.
  app.access().CreateUser(org, demo.login, demo.password, "admin", "Демо Администратор");
  demo.created = true;
  return demo;
}

}  // namespace upravdom::app
