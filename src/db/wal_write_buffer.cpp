#include "db/wal_write_buffer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>

namespace upravdom::db {

namespace {

// A WAL frame's header: page number, then (big-endian) the database size in pages after a
// commit — zero in every frame but a transaction's last
// (https://sqlite.org/fileformat2.html#walformat).
constexpr int kFrameHeaderSize = 24;
// The most one write passes on: the default VFS writes at most 128 KiB - 1 bytes per call
// (seekAndWrite masks the count to 17 bits) and answers a longer write as a full disk.
// Past it the gathered writes go out (a large transaction writes thousands of frames before
// its commit frame); a client create's commit (28 frames of 4 KiB) fits in one.
constexpr size_t kMaxWrite = 120 * 1024;

sqlite3_vfs* g_default = nullptr;  // the VFS wrapped
sqlite3_vfs g_vfs;
sqlite3_io_methods g_methods;
std::atomic<std::uint64_t> g_asked{0};
std::atomic<std::uint64_t> g_written{0};

// A WAL file: this header, then the default VFS's file (`real`) in the same allocation.
struct WalFile {
  sqlite3_file base;  // base.pMethods = &g_methods
  sqlite3_file* real;
  std::string buffer;  // consecutive writes not yet in the file, starting at `offset`
  sqlite3_int64 offset = 0;
  bool header_before = false;  // the last write gathered was a frame's header
  bool commit_frame = false;   // … and that frame ends a transaction
};

WalFile* Wal(sqlite3_file* file) {
  return reinterpret_cast<WalFile*>(file);
}

// Writes what is gathered, at most kMaxWrite bytes a call; SQLite's error code.
int Flush(WalFile* wal) {
  int result = SQLITE_OK;
  for (size_t done = 0; done < wal->buffer.size() && result == SQLITE_OK;) {
    const size_t amount = std::min(kMaxWrite, wal->buffer.size() - done);
    result =
        wal->real->pMethods->xWrite(wal->real, wal->buffer.data() + done, static_cast<int>(amount),
                                    wal->offset + static_cast<sqlite3_int64>(done));
    g_written.fetch_add(1, std::memory_order_relaxed);
    done += amount;
  }
  wal->buffer.clear();
  wal->header_before = wal->commit_frame = false;
  return result;
}

int WalWrite(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  WalFile* wal = Wal(file);
  g_asked.fetch_add(1, std::memory_order_relaxed);
  const bool header = amount == kFrameHeaderSize;
  const bool page = wal->header_before;  // the page of the frame whose header is gathered
  const bool consecutive =
      wal->buffer.empty() || offset == wal->offset + static_cast<sqlite3_int64>(wal->buffer.size());
  if (!consecutive || (!header && !page)) {
    // Not the frame pattern gathered here (the WAL's own header, a frame rewritten in place):
    // what is gathered goes first, then this write as it is. A SQLite that wrote frames
    // another way would only lose the gathering, never see a frame missing from the file.
    if (int result = Flush(wal); result != SQLITE_OK) return result;
    g_written.fetch_add(1, std::memory_order_relaxed);
    return wal->real->pMethods->xWrite(wal->real, data, amount, offset);
  }
  if (wal->buffer.empty()) wal->offset = offset;
  try {
    wal->buffer.append(static_cast<const char*>(data), static_cast<size_t>(amount));
  } catch (const std::bad_alloc&) {
    return SQLITE_IOERR_NOMEM;
  }
  if (header) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    wal->header_before = true;
    wal->commit_frame = (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
    return SQLITE_OK;
  }
  wal->header_before = false;
  // The commit frame is complete: into the file before SQLite publishes the commit.
  if (wal->commit_frame || wal->buffer.size() >= kMaxWrite) return Flush(wal);
  return SQLITE_OK;
}

// The other methods write what is gathered first, then do what the default VFS does.
template <auto Method, class... Args>
int FlushThen(sqlite3_file* file, Args... args) {
  WalFile* wal = Wal(file);
  if (int result = Flush(wal); result != SQLITE_OK) return result;
  return (wal->real->pMethods->*Method)(wal->real, args...);
}

template <auto Method, class... Args>
int Forward(sqlite3_file* file, Args... args) {
  sqlite3_file* real = Wal(file)->real;
  return (real->pMethods->*Method)(real, args...);
}

int WalClose(sqlite3_file* file) {
  WalFile* wal = Wal(file);
  const int flushed = Flush(wal);
  const int closed = wal->real->pMethods->xClose(wal->real);
  wal->~WalFile();
  return flushed != SQLITE_OK ? flushed : closed;
}

int WalRead(sqlite3_file* file, void* data, int amount, sqlite3_int64 offset) {
  return FlushThen<&sqlite3_io_methods::xRead>(file, data, amount, offset);
}
int WalTruncate(sqlite3_file* file, sqlite3_int64 size) {
  return FlushThen<&sqlite3_io_methods::xTruncate>(file, size);
}
int WalSync(sqlite3_file* file, int flags) {
  return FlushThen<&sqlite3_io_methods::xSync>(file, flags);
}
int WalFileSize(sqlite3_file* file, sqlite3_int64* size) {
  return FlushThen<&sqlite3_io_methods::xFileSize>(file, size);
}
int WalFileControl(sqlite3_file* file, int op, void* arg) {
  return FlushThen<&sqlite3_io_methods::xFileControl>(file, op, arg);
}
int WalLock(sqlite3_file* file, int lock) {
  return Forward<&sqlite3_io_methods::xLock>(file, lock);
}
int WalUnlock(sqlite3_file* file, int lock) {
  return Forward<&sqlite3_io_methods::xUnlock>(file, lock);
}
int WalCheckReservedLock(sqlite3_file* file, int* out) {
  return Forward<&sqlite3_io_methods::xCheckReservedLock>(file, out);
}
int WalSectorSize(sqlite3_file* file) {
  return Forward<&sqlite3_io_methods::xSectorSize>(file);
}
int WalDeviceCharacteristics(sqlite3_file* file) {
  return Forward<&sqlite3_io_methods::xDeviceCharacteristics>(file);
}
// A WAL file has no shared memory and is never memory-mapped (the database file has and
// is); these only answer as the default VFS would if asked.
int WalShmMap(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
  return Forward<&sqlite3_io_methods::xShmMap>(file, page, size, extend, out);
}
int WalShmLock(sqlite3_file* file, int offset, int n, int flags) {
  return Forward<&sqlite3_io_methods::xShmLock>(file, offset, n, flags);
}
void WalShmBarrier(sqlite3_file* file) {
  sqlite3_file* real = Wal(file)->real;
  real->pMethods->xShmBarrier(real);
}
int WalShmUnmap(sqlite3_file* file, int delete_flag) {
  return Forward<&sqlite3_io_methods::xShmUnmap>(file, delete_flag);
}
int WalFetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  return FlushThen<&sqlite3_io_methods::xFetch>(file, offset, amount, out);
}
int WalUnfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return Forward<&sqlite3_io_methods::xUnfetch>(file, offset, page);
}

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  if (!(flags & SQLITE_OPEN_WAL))  // the default VFS's file, in the memory SQLite gave
    return g_default->xOpen(g_default, name, file, flags, out_flags);
  auto* wal = new (file) WalFile{};
  wal->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + sizeof(WalFile));
  const int result = g_default->xOpen(g_default, name, wal->real, flags, out_flags);
  if (result != SQLITE_OK || !wal->real->pMethods) {
    // SQLite closes a file whose xOpen failed only when pMethods is set; the default VFS
    // cleans up its own part.
    wal->~WalFile();
    file->pMethods = nullptr;
    return result != SQLITE_OK ? result : SQLITE_CANTOPEN;
  }
  file->pMethods = &g_methods;
  return SQLITE_OK;
}

void Install() {
  g_default = sqlite3_vfs_find(nullptr);
  if (!g_default || g_default->iVersion < 3)
    throw std::runtime_error("SQLite: the default VFS is missing or too old");
  const sqlite3_io_methods methods = {3,
                                      WalClose,
                                      WalRead,
                                      WalWrite,
                                      WalTruncate,
                                      WalSync,
                                      WalFileSize,
                                      WalLock,
                                      WalUnlock,
                                      WalCheckReservedLock,
                                      WalFileControl,
                                      WalSectorSize,
                                      WalDeviceCharacteristics,
                                      WalShmMap,
                                      WalShmLock,
                                      WalShmBarrier,
                                      WalShmUnmap,
                                      WalFetch,
                                      WalUnfetch};
  g_methods = methods;
  // The default VFS's calls as they are (its own pAppData too: they are called with this VFS,
  // and of them only xOpen, wrapped here, reads it); only opening differs.
  g_vfs = *g_default;
  g_vfs.pNext = nullptr;
  g_vfs.szOsFile = static_cast<int>(
      std::max<size_t>(static_cast<size_t>(g_default->szOsFile),
                       sizeof(WalFile) + static_cast<size_t>(g_default->szOsFile)));
  g_vfs.zName = "upravdom-wal-buffer";
  g_vfs.xOpen = Open;
  if (sqlite3_vfs_register(&g_vfs, /*makeDflt=*/1) != SQLITE_OK)
    throw std::runtime_error("SQLite: the WAL write buffer could not be registered");
}

}  // namespace

void InstallWalWriteBuffer() {
  static std::once_flag once;
  std::call_once(once, Install);
}

WalWriteCounts WalWriteBufferCounts() {
  return {g_asked.load(std::memory_order_relaxed), g_written.load(std::memory_order_relaxed)};
}

}  // namespace upravdom::db
