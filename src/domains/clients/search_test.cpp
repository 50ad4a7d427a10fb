// The search plans of the clients list on SQLite (repository.cpp, ListSearched): a sparse
// fragment is counted exactly, a common one is counted up to 5,000 and says so, words of one
// or two letters walk the name order, and other organisations' clients never count — nor,
// when an organisation is alone in the database, does it need their token.
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include "db/database.hpp"
#include "db/migrations.hpp"
#include "domains/clients/repository.hpp"

namespace upravdom::clients {
namespace {

class ClientSearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = std::filesystem::temp_directory_path() /
            ("upravdom-client-search-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path_);
    database_ = new db::Database("sqlite:" + path_.string(), 1);
    db::ApplyMigrations(*database_);
    db::Session sql(*database_);
    db::ExecScript(sql, db::Dialect::kSqlite, R"(
      INSERT INTO organizations (id, name, created_at, updated_at)
        VALUES (1, 'УК 1', '2026-01-01', '2026-01-01'), (2, 'УК 2', '2026-01-01', '2026-01-01');
      -- 22,000 clients whose names hold «ова» (over the 20,000 of a sparse search), 3,000
      -- «Сидоренко Олег» in organisation 1 and 500 more in organisation 2.
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25500)
      INSERT INTO clients (organization_id, type, last_name, first_name, name_key, name_sort,
                           created_at, updated_at)
      SELECT CASE WHEN i > 25000 THEN 2 ELSE 1 END, 'individual',
             CASE WHEN i <= 22000 THEN 'Петрова' ELSE 'Сидоренко' END,
             CASE WHEN i <= 22000 THEN 'Анна' ELSE 'Олег' END,
             CASE WHEN i <= 22000 THEN 'петрова анна' ELSE 'сидоренко олег' END,
             CASE WHEN i <= 22000 THEN 'петрова анна' ELSE 'сидоренко олег' END,
             '2026-01-01', '2026-01-01'
      FROM n;
      -- The FTS5 index is written by the repository (migrations 0015, 0018), so a bulk
      -- load fills it, as the generator does.
      INSERT INTO clients_search(rowid, name_key, phone_digits, org)
        SELECT upravdom_client_search_rowid(name_key, id), name_key, phone_digits,
               upravdom_organization_search_token(organization_id)
        FROM clients;)");
  }
  static void TearDownTestSuite() {
    delete database_;
    std::filesystem::remove(path_);
  }

  struct Result {
    long long total = 0;
    bool capped = false;
    std::vector<Client> items;
  };
  Result Search(const std::string& q, long long offset = 0) {
    db::Session sql(*database_);
    ClientRepository repository(sql, db::Dialect::kSqlite);
    ClientFilter filter;
    filter.query = q;
    filter.offset = offset;
    Result result;
    result.total = repository.List(
        1, filter, true, [&](const Client& c) { result.items.push_back(c); }, &result.capped);
    return result;
  }

  static inline std::filesystem::path path_;
  static inline db::Database* database_ = nullptr;
};

TEST_F(ClientSearchTest, SparseFragmentIsCountedExactlyWithinTheOrganisation) {
  Result r = Search("доренк");
  EXPECT_EQ(r.total, 3000);
  EXPECT_FALSE(r.capped);
  ASSERT_EQ(r.items.size(), 50u);
  for (size_t i = 1; i < r.items.size(); ++i) EXPECT_LT(r.items[i - 1].id, r.items[i].id);
  EXPECT_EQ(r.items.front().last_name.value_or(""), "Сидоренко");
}

TEST_F(ClientSearchTest, SparsePagesPastTheEnd) {
  Result last = Search("доренк", 2990);
  EXPECT_EQ(last.total, 3000);
  EXPECT_EQ(last.items.size(), 10u);
  Result beyond = Search("доренк", 5000);
  EXPECT_EQ(beyond.total, 3000);
  EXPECT_TRUE(beyond.items.empty());
}

TEST_F(ClientSearchTest, CommonFragmentStopsCountingAtFiveThousand) {
  Result r = Search("ова");  // 22,000 in this organisation
  EXPECT_EQ(r.total, 5000);
  EXPECT_TRUE(r.capped);
  ASSERT_EQ(r.items.size(), 50u);
  for (const Client& c : r.items) EXPECT_EQ(c.last_name.value_or(""), "Петрова");
  Result second = Search("ова", 50);
  ASSERT_FALSE(second.items.empty());
  EXPECT_GT(second.items.front().id, r.items.back().id) << "pages continue in name order";
}

TEST_F(ClientSearchTest, DeepPagesOfACommonFragmentContinueTheOrder) {
  Result before = Search("ова", 5950);
  Result deep = Search("ова", 6000);  // past the 5,001 matches read for the count
  ASSERT_EQ(before.items.size(), 50u);
  ASSERT_EQ(deep.items.size(), 50u);
  EXPECT_EQ(deep.total, 5000);
  EXPECT_TRUE(deep.capped);
  EXPECT_EQ(deep.items.front().id, before.items.back().id + 1) << "the 6,001st Петрова";
}

TEST_F(ClientSearchTest, ShortWordsWalkTheNameOrder) {
  Result r = Search("ол");  // «Олег»: 3,000 in this organisation
  EXPECT_EQ(r.total, 1000);
  EXPECT_TRUE(r.capped);
  ASSERT_FALSE(r.items.empty());
  EXPECT_EQ(r.items.front().first_name.value_or(""), "Олег");
  Result both = Search("ол доренк");  // a short word beside a trigram word
  EXPECT_EQ(both.total, 3000);
  EXPECT_FALSE(both.capped);
}

TEST_F(ClientSearchTest, NoMatch) {
  Result r = Search("щщщ");
  EXPECT_EQ(r.total, 0);
  EXPECT_FALSE(r.capped);
  EXPECT_TRUE(r.items.empty());
}

TEST(ClientSearchAlone, AnOrganisationAloneInTheDatabaseSearchesWithoutItsToken) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("upravdom-client-search-alone-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  {
    db::Database database("sqlite:" + path.string(), 1);
    db::ApplyMigrations(database);
    db::Session sql(database);
    db::ExecScript(sql, db::Dialect::kSqlite, R"(
      INSERT INTO organizations (id, name, created_at, updated_at)
        VALUES (7, 'УК 7', '2026-01-01', '2026-01-01');
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
      INSERT INTO clients (organization_id, type, last_name, first_name, name_key, name_sort,
                           created_at, updated_at)
      SELECT 7, 'individual', 'Фомин' || char(1072 + i % 32), 'Ян',
             'фомин' || char(1072 + i % 32) || ' ян', 'фомин' || char(1072 + i % 32) || ' ян',
             '2026-01-01', '2026-01-01'
      FROM n;
      INSERT INTO clients_search(rowid, name_key, phone_digits, org)
        SELECT upravdom_client_search_rowid(name_key, id), name_key, phone_digits,
               upravdom_organization_search_token(organization_id)
        FROM clients;)");
    ClientRepository repository(sql, db::Dialect::kSqlite);
    ClientFilter filter;
    filter.query = "фомин";
    filter.limit = 20;
    std::vector<std::string> names;
    const long long total = repository.List(
        7, filter, true, [&](const Client& c) { names.push_back(c.last_name.value_or("")); });
    EXPECT_EQ(total, 300);
    ASSERT_EQ(names.size(), 20u);
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    EXPECT_EQ(names.front(), "Фомина");
    // Another organisation sees none of them.
    EXPECT_EQ(repository.List(8, filter, true, [](const Client&) { FAIL(); }), 0);
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace upravdom::clients
