// An .xlsx file being written with libxlsxwriter: closed (and freed) on every path out, so a
// failed export leaves no open workbook behind.
#pragma once

#include <stdexcept>
#include <string>

#include <xlsxwriter.h>

namespace upravdom {

class XlsxWorkbook {
 public:
  // `constant_memory`: rows are written out as they are finished (exports of any size);
  // false keeps the sheets in memory (small files with drop-down lists and such).
  explicit XlsxWorkbook(const std::string& path, bool constant_memory = true) {
    lxw_workbook_options options = {};
    options.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
    workbook_ = workbook_new_opt(path.c_str(), &options);
    if (!workbook_) throw std::runtime_error("cannot create " + path);
  }
  ~XlsxWorkbook() {
    if (workbook_) workbook_close(workbook_);
  }
  XlsxWorkbook(const XlsxWorkbook&) = delete;
  XlsxWorkbook& operator=(const XlsxWorkbook&) = delete;

  lxw_workbook* get() { return workbook_; }
  // Writes the file out; throws when that fails.
  void Close() {
    lxw_error error = workbook_close(workbook_);
    workbook_ = nullptr;
    if (error != LXW_NO_ERROR) throw std::runtime_error(lxw_strerror(error));
  }

 private:
  lxw_workbook* workbook_ = nullptr;
};

}  // namespace upravdom
