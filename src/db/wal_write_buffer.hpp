// SQLite writes each WAL frame as two writes — its 24-byte header, then the page — and a
// commit is a frame per page it changed: a client create's commit was 56 pwrite calls (28
// frames), 15 % of the request's CPU in the kernel (docs/performance.md). This VFS wraps the
// default one and gathers a WAL file's consecutive writes in memory, writing them with one
// pwrite when the commit frame's page has been written, before SQLite publishes the commit
// in the WAL index (so no other connection can look for a frame that is not in the file),
// and whenever the file is read, synced, truncated, sized, closed or written elsewhere. A
// crash before that write loses only an uncommitted transaction, as a crash between SQLite's
// own writes would. Other files (the database, journals) are the default VFS's own.
#pragma once

#include <cstdint>

namespace upravdom::db {

// Registers the VFS as the process's default (once; later calls do nothing). Call before
// opening SQLite connections: a connection keeps the VFS it was opened with.
void InstallWalWriteBuffer();

// Writes SQLite asked of WAL files, and the writes that reached the files (for the tests).
struct WalWriteCounts {
  std::uint64_t asked = 0;
  std::uint64_t written = 0;
};
WalWriteCounts WalWriteBufferCounts();

}  // namespace upravdom::db
