#include "models/catalog/json_text.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "models/catalog/json_reader.hpp"
#include "simcore/error.hpp"

namespace wattsim::catalog {

namespace {

using nlohmann::json;

struct Duplicate {
  std::size_t ordinal;        // of the repeated key, among all keys in document order
  std::size_t first_ordinal;  // of the key it repeats
  std::string path;           // JSON path of the repeated member
};

// A SAX pass that only watches keys: one set of keys per object being read (so memory is
// that of the open objects' keys, not of the document), and the JSON path to each member.
class KeyChecker {
 public:
  bool null() { return value(); }
  bool boolean(bool) { return value(); }
  bool number_integer(json::number_integer_t) { return value(); }
  bool number_unsigned(json::number_unsigned_t) { return value(); }
  bool number_float(json::number_float_t, const json::string_t&) { return value(); }
  bool string(json::string_t&) { return value(); }
  bool binary(json::binary_t&) { return value(); }
  bool start_object(std::size_t) { return open(true); }
  bool start_array(std::size_t) { return open(false); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(json::string_t& k) {
    Frame& f = frames_.back();
    const std::size_t ordinal = keys_seen_++;
    const auto [at, inserted] = f.keys.emplace(k, ordinal);
    if (!inserted) duplicates_.push_back({ordinal, at->second, member_path(f.path, k)});
    f.key = k;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    error_byte_ = position;
    error_what_ = e.what();
    return false;
  }

  const std::vector<Duplicate>& duplicates() const { return duplicates_; }
  const std::optional<std::size_t>& error_byte() const { return error_byte_; }
  const std::string& error_what() const { return error_what_; }

 private:
  struct Frame {
    bool object;
    std::string path;
    std::size_t elements = 0;                 // arrays: elements so far
    std::map<std::string, std::size_t> keys;  // objects: key -> ordinal
    std::string key;                          // objects: the member being read
  };

  // The JSON path of the value about to be read (and counts it, in an array).
  std::string next_path() {
    if (frames_.empty()) return "";
    Frame& f = frames_.back();
    if (f.object) return member_path(f.path, f.key);
    return f.path + "[" + std::to_string(f.elements++) + "]";
  }
  bool value() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().elements;
    return true;
  }
  bool open(bool object) {
    std::string path = next_path();
    frames_.push_back({object, std::move(path), 0, {}, {}});
    return true;
  }
  bool close() {
    frames_.pop_back();
    return true;
  }

  std::vector<Frame> frames_;
  std::size_t keys_seen_ = 0;
  std::vector<Duplicate> duplicates_;
  std::optional<std::size_t> error_byte_;
  std::string error_what_;
};

// Byte offsets of the keys with the given ordinals (sorted, unique), scanning the text once: a
// key is a string followed, after blanks, by ':'. Only the part the parser accepted is
// scanned, so the text up to the last ordinal is valid JSON.
std::map<std::size_t, std::size_t> key_offsets(std::string_view text, const std::vector<std::size_t>& ordinals) {
  std::map<std::size_t, std::size_t> out;
  std::size_t want = 0, ordinal = 0;
  for (std::size_t i = 0; i < text.size() && want < ordinals.size(); ++i) {
    if (text[i] != '"') continue;
    const std::size_t start = i;
    for (++i; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\') ++i;
    }
    std::size_t j = i + 1;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r')) ++j;
    if (j < text.size() && text[j] == ':') {
      if (ordinal == ordinals[want]) out[ordinals[want++]] = start;
      ++ordinal;
    }
  }
  return out;
}

}  // namespace

TextPosition text_position(std::string_view text, std::size_t offset) {
  TextPosition p;
  const std::size_t end = std::min(offset, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
      ++p.column;
    }
  }
  return p;
}

std::string located(const std::string& where, std::string_view text, std::size_t offset) {
  const TextPosition p = text_position(text, offset);
  return where + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

json parse_json_text(std::string_view text, const std::string& where, std::string_view expected) {
  KeyChecker checker;
  json::sax_parse(text, &checker);
  simcore::DiagnosticSink problems;
  if (!checker.duplicates().empty()) {
    std::vector<std::size_t> ordinals;
    for (const auto& d : checker.duplicates()) {
      ordinals.push_back(d.ordinal);
      ordinals.push_back(d.first_ordinal);
    }
    std::sort(ordinals.begin(), ordinals.end());
    ordinals.erase(std::unique(ordinals.begin(), ordinals.end()), ordinals.end());
    const auto offsets = key_offsets(text, ordinals);
    for (const auto& d : checker.duplicates()) {
      // The parser reports a key before it reads the ':'; a key without one is a syntax error.
      const auto at = offsets.find(d.ordinal);
      if (at == offsets.end()) continue;
      const TextPosition first = text_position(text, offsets.at(d.first_ordinal));
      problems.add(located(where, text, at->second),
                   "duplicate key: " + d.path + " is given twice (first at line " + std::to_string(first.line) +
                       ", column " + std::to_string(first.column) + "); expected each key once in an object");
    }
  }
  if (checker.error_byte()) {
    // nlohmann's position is 1-based: the byte it stopped at.
    std::string what = checker.error_what();
    if (const auto cut = what.find("parse error"); cut != std::string::npos) what = what.substr(cut);
    const std::size_t byte = *checker.error_byte();
    problems.add(located(where, text, byte > 0 ? byte - 1 : 0),
                 "not valid JSON (" + what + "); expected " + std::string(expected));
  }
  problems.throw_if_any();
  return json::parse(text);
}

}  // namespace wattsim::catalog
