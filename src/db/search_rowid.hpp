// The keys of the SQLite FTS5 index of clients' names and phones (clients_search, migration
// 0018; docs/performance.md «Clients»).
//
// A row's rowid puts the index in name order: its high bits hold an order-preserving key of
// the first five letters of the client's name_sort (the «bucket»), its low 32 bits the
// client's id. A search reads its matches in rowid order — coarse name order — and stops
// once it has the first page and the rest of the page's last bucket
// (ClientRepository::ListSearched). The column org holds the organisation's token, so that
// a search and its count keep to the organisation inside the index.
#pragma once

#include <string>
#include <string_view>

namespace upravdom::db {

// Client ids are below 2^32 (the rowid's low half).
long long ClientSearchRowid(std::string_view name_sort, long long client_id);
inline long long ClientOfSearchRowid(long long rowid) {
  return rowid & 0xFFFFFFFFLL;
}
inline long long SearchRowidBucket(long long rowid) {
  return rowid >> 32;
}

// The names of a bucket: name_sort >= low and < high (bytewise).
struct NameRange {
  std::string low, high;
};
NameRange SearchBucketNames(long long bucket);

// Three CJK code points (one trigram of the trigram tokenizer), from the organisation's id.
std::string OrganizationSearchToken(long long organization_id);

// Registers upravdom_client_search_rowid(name_sort, id) and
// upravdom_organization_search_token(organization_id) on a connection (migrations, the
// data generator). `connection` is a sqlite3* (SOCI declares SQLite's API inside a
// namespace of its own, the generator outside it).
void RegisterSearchFunctions(void* connection);

}  // namespace upravdom::db
