#include "traces/csv_text.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "simcore/error.hpp"
#include "tests/support/temp_dir.hpp"

using namespace wattsim;
using traces::LineReader;

namespace {

using wattsim::test::TempDir;

std::vector<std::string> all_lines(const std::string& path, std::size_t chunk_bytes) {
  LineReader reader(path, chunk_bytes);
  std::vector<std::string> lines;
  std::string_view line;
  while (reader.next(line)) {
    lines.emplace_back(line);
    CHECK(reader.line_number() == lines.size());
  }
  CHECK_FALSE(reader.next(line));  // stays at the end
  return lines;
}

}  // namespace

TEST_CASE("lines end with LF or CRLF, the last may lack one, whatever the chunk size", "[traces][csv_text]") {
  const TempDir dir;
  const std::string long_line(100, 'x');
  const std::string path = dir.write("lines.csv", "a,b\r\n\r\n" + long_line + "\n\nlast,line\r\nno end");
  const std::vector<std::string> expected = {"a,b", "", long_line, "", "last,line", "no end"};
  // Chunks of 2 bytes split every line and force the buffer to grow for the 100-byte line.
  for (std::size_t chunk : {std::size_t{2}, std::size_t{3}, std::size_t{7}, std::size_t{64}, std::size_t{1} << 20}) {
    INFO("chunk of " << chunk << " bytes");
    CHECK(all_lines(path, chunk) == expected);
  }
}

TEST_CASE("a final line end gives no extra empty line and an empty file gives no line", "[traces][csv_text]") {
  const TempDir dir;
  CHECK(all_lines(dir.write("one.csv", "x\n"), 1 << 20) == std::vector<std::string>{"x"});
  CHECK(all_lines(dir.write("crlf.csv", "x\r\n"), 1) == std::vector<std::string>{"x"});
  CHECK(all_lines(dir.write("empty.csv", ""), 1 << 20).empty());
  CHECK(all_lines(dir.write("newline.csv", "\n"), 1 << 20) == std::vector<std::string>{""});
}

TEST_CASE("a UTF-8 byte-order mark at the start is skipped", "[traces][csv_text]") {
  const TempDir dir;
  CHECK(all_lines(dir.write("bom.csv", "\xEF\xBB\xBFtime,value\n1,2\n"), 1 << 20) ==
        std::vector<std::string>{"time,value", "1,2"});
  CHECK(all_lines(dir.write("bom_small.csv", "\xEF\xBB\xBFt\n"), 3) == std::vector<std::string>{"t"});
}

TEST_CASE("an unreadable file is an input error naming the path and the system's reason", "[traces][csv_text]") {
  const TempDir dir;
  const std::string path = (dir.path / "absent.csv").string();
  try {
    LineReader reader(path);
    FAIL("no error for a missing file");
  } catch (const simcore::InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].where == path);
    CHECK(e.diagnostics()[0].message ==
          std::string("cannot open the file: ") + std::strerror(ENOENT) + "; expected a readable file");
  }
}

TEST_CASE("where() gives path:line:column of the line last read", "[traces][csv_text]") {
  const TempDir dir;
  const std::string path = dir.write("where.csv", "a\nb\n");
  LineReader reader(path);
  std::string_view line;
  REQUIRE(reader.next(line));
  REQUIRE(reader.next(line));
  CHECK(reader.where(4) == path + ":2:4");
}

TEST_CASE("split_fields keeps empty fields", "[traces][csv_text]") {
  std::vector<std::string_view> fields;
  traces::split_fields("a,,b", ',', fields);
  CHECK(fields == std::vector<std::string_view>{"a", "", "b"});
  traces::split_fields("", ',', fields);
  CHECK(fields == std::vector<std::string_view>{""});
  traces::split_fields(",", ',', fields);
  CHECK(fields == std::vector<std::string_view>{"", ""});
  traces::split_fields("x;y", ';', fields);
  CHECK(fields == std::vector<std::string_view>{"x", "y"});
}

TEST_CASE("columns count characters, not bytes", "[traces][csv_text]") {
  const std::string_view line = "Zoë,CO₂,x";  // ë is 2 bytes, ₂ is 3
  CHECK(traces::column_of(line, line.data()) == 1);
  CHECK(traces::column_of(line, line.data() + line.find("CO")) == 5);
  CHECK(traces::column_of(line, line.data() + line.find('x')) == 9);
  CHECK(traces::column_of(line, line.data() + line.size()) == 10);
}

TEST_CASE("quoted text is cut at a character boundary", "[traces][csv_text]") {
  CHECK(traces::quoted("abc") == "\"abc\"");
  CHECK(traces::quoted(std::string(61, 'a')) == "\"" + std::string(60, 'a') + "...\"");
  // The 60th byte is inside "₂" (bytes 59-61): the cut moves back before it.
  CHECK(traces::quoted(std::string(58, 'a') + "₂" + "b") == "\"" + std::string(58, 'a') + "...\"");
  CHECK(traces::quoted_list({"a", "b"}) == "\"a\", \"b\"");
}

TEST_CASE("parse_number reads whole finite numbers only", "[traces][csv_text]") {
  double v = -1.0;
  CHECK(traces::parse_number("883720.880", v));
  CHECK(v == 883720.88);
  CHECK(traces::parse_number("-0.5", v));
  CHECK(v == -0.5);
  CHECK(traces::parse_number("1e3", v));
  CHECK(v == 1000.0);
  CHECK(traces::parse_number("12345678901234567890.5", v));  // beyond the fast path
  CHECK(v == 12345678901234567890.5);
  for (const char* bad : {"", "-", ".", "+1", " 1", "1 ", "12x", "1,5", "inf", "-inf", "nan", "1e999", "0x10"}) {
    INFO("text \"" << bad << "\"");
    CHECK_FALSE(traces::parse_number(bad, v));
  }
}

TEST_CASE("parse_number's fast path agrees with std::from_chars", "[traces][csv_text]") {
  // Seeded random decimals of 1 to 17 digits, the point anywhere: both must give the same bits.
  std::uint64_t state = 12345;
  const auto next_random = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int i = 0; i < 200'000; ++i) {
    const std::size_t length = 1 + next_random() % 17;
    std::string text = next_random() % 4 == 0 ? "-" : "";
    const std::size_t point = next_random() % length;  // digits before the point; 0: no point
    for (std::size_t d = 0; d < length; ++d) {
      if (d == point && point > 0) text += '.';
      text += static_cast<char>('0' + next_random() % 10);
    }
    double fast = 0.0, reference = 0.0;
    REQUIRE(traces::parse_number(text, fast));
    std::from_chars(text.data(), text.data() + text.size(), reference);
    INFO("text \"" << text << "\"");
    REQUIRE(std::signbit(fast) == std::signbit(reference));
    REQUIRE(fast == reference);
  }
}
