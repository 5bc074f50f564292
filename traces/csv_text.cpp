#include "traces/csv_text.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "simcore/error.hpp"

namespace wattsim::traces {

LineReader::LineReader(std::string path, std::size_t chunk_bytes)
    : path_(std::move(path)), capacity_(chunk_bytes < 2 ? 2 : chunk_bytes) {
  errno = 0;
  file_.reset(std::fopen(path_.c_str(), "rb"));
  if (!file_) {
    const int error = errno;
    throw simcore::InputError(path_, std::string("cannot open the file: ") +
                                         (error != 0 ? std::strerror(error) : "unknown error") +
                                         "; expected a readable file");
  }
  buffer_.reset(new char[capacity_]);
}

std::string LineReader::where(std::size_t column) const {
  return path_ + ':' + std::to_string(line_number_) + ':' + std::to_string(column);
}

bool LineReader::refill() {
  if (eof_) return false;
  const std::size_t pending = end_ - begin_;
  if (begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, pending);
    begin_ = 0;
    end_ = pending;
  }
  if (end_ == capacity_) {
    // One line fills the whole buffer: grow it, so memory follows the longest line.
    const std::size_t grown = capacity_ * 2;
    std::unique_ptr<char[]> bigger(new char[grown]);
    std::memcpy(bigger.get(), buffer_.get(), end_);
    buffer_ = std::move(bigger);
    capacity_ = grown;
  }
  const std::size_t read = std::fread(buffer_.get() + end_, 1, capacity_ - end_, file_.get());
  if (read < capacity_ - end_) {
    if (std::ferror(file_.get())) {
      const int error = errno;
      const std::string after = line_number_ > 0 ? " after line " + std::to_string(line_number_) : "";
      throw simcore::InputError(path_, "cannot read the file" + after + ": " +
                                           (error != 0 ? std::strerror(error) : "read error") +
                                           "; expected a readable file");
    }
    eof_ = true;
  }
  end_ += read;
  if (at_file_start_ && (end_ >= 3 || eof_ || line_number_ > 0)) {
    at_file_start_ = false;
    if (line_number_ == 0 && end_ >= 3 && std::memcmp(buffer_.get(), "\xEF\xBB\xBF", 3) == 0) {
      begin_ = 3;
      scanned_ = 0;
    }
  }
  return read > 0;
}

bool LineReader::next(std::string_view& line) {
  for (;;) {
    const std::size_t available = end_ - begin_;
    const char* start = buffer_.get() + begin_;
    const auto* newline = static_cast<const char*>(std::memchr(start + scanned_, '\n', available - scanned_));
    std::size_t length;
    if (newline != nullptr) {
      length = static_cast<std::size_t>(newline - start);
      begin_ += length + 1;
    } else {
      scanned_ = available;  // refill() keeps these bytes (moved to the front); they hold no '\n'
      if (refill()) continue;
      if (available == 0) return false;
      start = buffer_.get() + begin_;  // refill() may have moved the bytes
      length = available;              // the last line, without a line end
      begin_ = end_;
    }
    scanned_ = 0;
    if (length > 0 && start[length - 1] == '\r') --length;
    ++line_number_;
    line = std::string_view(start, length);
    return true;
  }
}

void split_fields(std::string_view line, char separator, std::vector<std::string_view>& fields) {
  fields.clear();
  const char* p = line.data();
  const char* const end = p + line.size();
  for (;;) {
    const auto* cut = static_cast<const char*>(std::memchr(p, separator, static_cast<std::size_t>(end - p)));
    if (cut == nullptr) {
      fields.emplace_back(p, static_cast<std::size_t>(end - p));
      return;
    }
    fields.emplace_back(p, static_cast<std::size_t>(cut - p));
    p = cut + 1;
  }
}

bool parse_number(std::string_view text, double& value) {
  // Powers of ten up to 1e15 are exact doubles, and so is any integer below 1e15 < 2^53.
  static constexpr std::array<double, 16> kPowersOfTen = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                          1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p < end && *p == '-';
  if (negative) ++p;
  std::uint64_t digits = 0;
  std::size_t count = 0;
  std::size_t fraction_digits = 0;
  const char* q = p;
  for (; q < end && *q >= '0' && *q <= '9'; ++q, ++count) digits = digits * 10 + static_cast<std::uint64_t>(*q - '0');
  const std::size_t integer_digits = count;
  if (q < end && *q == '.') {
    for (++q; q < end && *q >= '0' && *q <= '9'; ++q, ++count, ++fraction_digits) {
      digits = digits * 10 + static_cast<std::uint64_t>(*q - '0');
    }
  }
  if (q == end && integer_digits > 0 && (fraction_digits > 0 || q[-1] != '.') && count <= 15) {
    const double magnitude = static_cast<double>(digits) / kPowersOfTen[fraction_digits];
    value = negative ? -magnitude : magnitude;
    return true;
  }
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && std::isfinite(value);
}

std::size_t column_of(std::string_view line, const char* position) {
  std::size_t column = 1;
  for (const char* p = line.data(); p < position; ++p) {
    if ((static_cast<unsigned char>(*p) & 0xC0) != 0x80) ++column;  // not a UTF-8 continuation byte
  }
  return column;
}

std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxBytes = 60;
  if (text.size() <= kMaxBytes) return '"' + std::string(text) + '"';
  std::size_t cut = kMaxBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return '"' + std::string(text.substr(0, cut)) + "...\"";
}

std::string number_text(double value) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(value);
}

std::string duration_text(simcore::SimTime span) {
  const std::int64_t us = span.us();
  if (us != 0 && us % 3'600'000'000 == 0) return std::to_string(us / 3'600'000'000) + " h";
  if (us != 0 && us % 60'000'000 == 0) return std::to_string(us / 60'000'000) + " min";
  return number_text(span.to_seconds()) + " s";
}

std::string field_count_text(std::size_t count) {
  return std::to_string(count) + (count == 1 ? " field" : " fields");
}

void check_row_fields(const LineReader& lines, std::string_view line, const std::vector<std::string_view>& fields,
                      std::size_t columns, const std::string& prefix) {
  if (fields.size() != columns) {
    const char* at = fields.size() > columns ? fields[columns].data() : line.data() + line.size();
    throw simcore::InputError(lines.where(column_of(line, at)), prefix + "row has " + field_count_text(fields.size()) +
                                                                    "; expected " + std::to_string(columns) +
                                                                    ", one per header column");
  }
  for (const std::string_view field : fields) {
    if (!field.empty() && field.front() == '"') {
      throw simcore::InputError(lines.where(column_of(line, field.data())),
                                prefix + "field starts with a double quote; quoted CSV fields are not supported, "
                                         "expected a bare value");
    }
  }
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) {
    if (!text.empty()) text += ", ";
    text += '"' + name + '"';
  }
  return text;
}

}  // namespace wattsim::traces
