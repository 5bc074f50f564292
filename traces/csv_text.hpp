#pragma once
// Plumbing shared by the CSV trace readers: a line reader that streams a file through a
// fixed-size buffer, field splitting without allocation, and the positions and quoting used
// in error messages.
//
// Memory stays at one chunk (1 MiB by default) plus the longest line, whatever the file's
// length. Lines end with LF or CRLF; the last line may lack its line end. A UTF-8 byte-order
// mark at the very start of the file is skipped.

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "simcore/time.hpp"

namespace wattsim::traces {

class LineReader {
 public:
  static constexpr std::size_t kDefaultChunkBytes = std::size_t{1} << 20;

  // Throws simcore::InputError(where = path) when the file cannot be opened.
  explicit LineReader(std::string path, std::size_t chunk_bytes = kDefaultChunkBytes);

  // Stores the next line, without its line end, in `line` (valid until the next call) and
  // returns true; returns false at the end of the file. Throws simcore::InputError on a read
  // error.
  bool next(std::string_view& line);

  // 1-based number of the line last returned (0 before the first).
  std::size_t line_number() const { return line_number_; }
  const std::string& path() const { return path_; }
  // "path:line:column" for the line last returned.
  std::string where(std::size_t column) const;

 private:
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };

  // Moves the unread bytes to the front, grows the buffer if one line fills it, and reads
  // more. Returns false when nothing more could be read.
  bool refill();

  std::string path_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_;
  std::size_t begin_ = 0;    // first unread byte
  std::size_t end_ = 0;      // one past the last valid byte
  std::size_t scanned_ = 0;  // bytes from begin_ already known to hold no '\n'
  std::size_t line_number_ = 0;
  bool eof_ = false;
  bool at_file_start_ = true;  // until the first 3 bytes are in, to skip a byte-order mark
};

// Splits `line` at every `separator` into `fields` (cleared first; its capacity is reused, so
// steady-state splitting allocates nothing). An empty line gives one empty field.
void split_fields(std::string_view line, char separator, std::vector<std::string_view>& fields);

// The whole of `text` as a finite number, in std::from_chars syntax (no blanks, no '+';
// "inf" and "nan" are refused). Returns false otherwise. Plain decimals of up to 15 digits
// ("883720.880") take an exact fast path: digits / 10^k, one correctly rounded division,
// which is the value std::from_chars gives, at a fraction of its cost.
bool parse_number(std::string_view text, double& value);

// 1-based character position (UTF-8 code points) of `position` within `line`, where
// `position` points into `line` or one past its end.
std::size_t column_of(std::string_view line, const char* position);

// `text` in double quotes for a message, cut to about 60 bytes (at a UTF-8 character
// boundary) with "..." when longer.
std::string quoted(std::string_view text);

// The shortest text that reads back as `value`, for messages: "1", "0.25", "-7", "1e+20",
// "inf", "-inf".
std::string number_text(double value);

// A span for messages, in the largest of h, min and s that divides it: "3 h", "90 min",
// "5 min", "30 s", "0.5 s", "-2 h".
std::string duration_text(simcore::SimTime span);

// "1 field", "3 fields".
std::string field_count_text(std::size_t count);

// Checks a split row of a headed CSV file: one field per header column, none quoted. Throws
// simcore::InputError at the row's file:line:column, its message after `prefix`.
void check_row_fields(const LineReader& lines, std::string_view line, const std::vector<std::string_view>& fields,
                      std::size_t columns, const std::string& prefix);

// `names` as `"a", "b", "c"`.
std::string quoted_list(const std::vector<std::string>& names);

}  // namespace wattsim::traces
