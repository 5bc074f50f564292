#include "results/result_reader.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace wattsim::results {
namespace {

std::string join(const std::string& group, const std::string& name) {
  return group == "/" ? "/" + name : group + "/" + name;
}

// Opens a 1-D dataset and returns its length.
h5::Handle open_1d(hid_t file_id, const std::string& path, const std::string& file, hsize_t& rows) {
  if (!h5::path_exists(file_id, path, file)) throw std::runtime_error(file + ": no dataset " + path);
  h5::Handle dataset(H5Dopen2(file_id, path.c_str(), H5P_DEFAULT), H5Dclose, file, "open dataset " + path);
  const h5::Handle space(H5Dget_space(dataset.get()), H5Sclose, file, "read the shape of " + path);
  if (H5Sget_simple_extent_ndims(space.get()) != 1)
    throw std::runtime_error(file + ": dataset " + path + " is not 1-D");
  h5::check(H5Sget_simple_extent_dims(space.get(), &rows, nullptr), file, "read the shape of " + path);
  return dataset;
}

// The string attribute `name` of object, or "" when it has none.
std::string optional_string_attribute(hid_t object, const std::string& where, const char* name,
                                      const std::string& file) {
  const htri_t exists = H5Aexists(object, name);
  if (exists < 0) h5::fail(file, std::string("look up attribute ") + name + " on " + where);
  return exists > 0 ? h5::read_string_attribute(object, where, name, file) : std::string();
}

// The JSON object held by the string attribute `name` of object; empty when there is none.
nlohmann::json optional_json_object(hid_t object, const std::string& where, const char* name, const std::string& file) {
  const std::string text = optional_string_attribute(object, where, name, file);
  if (text.empty()) return nlohmann::json::object();
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object()) {
    throw std::runtime_error(file + ": the " + name + " of " + where + " are not a JSON object: " + text);
  }
  return doc;
}

std::string string_member(const nlohmann::json& object, const std::string& key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// HDF5's format signature, found at offset 0 or, after a user block, at 512, 1024, 2048, ...
bool has_hdf5_signature(const std::string& path) {
  constexpr char kSignature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  for (std::streamoff offset = 0;; offset = offset == 0 ? 512 : offset * 2) {
    char head[8];
    in.seekg(offset);
    if (!in.read(head, sizeof head)) return false;
    if (std::equal(std::begin(head), std::end(head), std::begin(kSignature))) return true;
  }
}

}  // namespace

bool is_result_set(const std::string& path) noexcept {
  try {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error) || !has_hdf5_signature(path)) return false;
    h5::silence_error_printing();
    const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (id < 0) return false;
    const h5::Handle file(id, H5Fclose, path, "open it");
    if (H5Lexists(file.get(), kMetaGroup, H5P_DEFAULT) <= 0) return false;
    const hid_t meta_id = H5Gopen2(file.get(), kMetaGroup, H5P_DEFAULT);
    if (meta_id < 0) return false;
    const h5::Handle meta(meta_id, H5Gclose, path, "open /meta");
    return H5Aexists(meta.get(), "wattsim_version") > 0;
  } catch (...) {
    return false;
  }
}

ResultReader::ResultReader(const std::string& path) : path_(path) {
  h5::silence_error_printing();
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) {
    const std::string detail = h5::last_error_detail();
    throw std::runtime_error(path + ": not a wattsim result set (cannot open it as an HDF5 file" +
                             (detail.empty() ? "" : ": " + detail) + ")");
  }
  file_ = h5::Handle(id, H5Fclose, path, "open it");
  const htri_t has_meta = H5Lexists(file_.get(), kMetaGroup, H5P_DEFAULT);
  if (has_meta <= 0) throw std::runtime_error(path + ": not a wattsim result set (no " + kMetaGroup + " group)");
}

std::vector<std::pair<std::string, std::string>> ResultReader::meta_strings() const {
  const h5::Handle meta = h5::open_group(file_.get(), kMetaGroup, path_);
  std::vector<std::pair<std::string, std::string>> result;
  for (const auto& name : h5::attribute_names(meta.get(), kMetaGroup, path_)) {
    if (h5::attribute_kind(meta.get(), kMetaGroup, name, path_) == h5::AttributeKind::kString) {
      result.emplace_back(name, h5::read_string_attribute(meta.get(), kMetaGroup, name, path_));
    }
  }
  return result;
}

std::vector<std::pair<std::string, double>> ResultReader::meta_numbers() const {
  const h5::Handle meta = h5::open_group(file_.get(), kMetaGroup, path_);
  std::vector<std::pair<std::string, double>> result;
  for (const auto& name : h5::attribute_names(meta.get(), kMetaGroup, path_)) {
    if (h5::attribute_kind(meta.get(), kMetaGroup, name, path_) == h5::AttributeKind::kNumber) {
      result.emplace_back(name, h5::read_double_attribute(meta.get(), kMetaGroup, name, path_));
    }
  }
  return result;
}

int ResultReader::format_version() const {
  const h5::Handle meta = h5::open_group(file_.get(), kMetaGroup, path_);
  const htri_t exists = H5Aexists(meta.get(), kFormatVersionAttribute);
  if (exists < 0) h5::fail(path_, std::string("look up ") + kMetaGroup + " " + kFormatVersionAttribute);
  if (exists == 0) return 1;  // written before the attribute existed
  const std::string where = std::string(kMetaGroup) + " " + kFormatVersionAttribute;
  if (h5::attribute_kind(meta.get(), kMetaGroup, kFormatVersionAttribute, path_) != h5::AttributeKind::kNumber) {
    throw std::runtime_error(path_ + ": " + where + " is not a number");
  }
  const double version = h5::read_double_attribute(meta.get(), kMetaGroup, kFormatVersionAttribute, path_);
  if (!(version >= 1 && version <= 1e6 && version == std::floor(version))) {
    throw std::runtime_error(path_ + ": " + where + " is " + std::to_string(version) +
                             "; expected a whole number >= 1");
  }
  return static_cast<int>(version);
}

std::string ResultReader::version_note() const {
  const int version = format_version();
  if (version == kFormatVersion) return "";
  std::string note = "this result set has format version " + std::to_string(version) +
                     "; this wattsim writes version " + std::to_string(kFormatVersion);
  if (version > kFormatVersion) note += " and may misread it (a newer wattsim wrote it)";
  return note + "; renamed keys are listed in docs/results.md (Format versions)";
}

bool ResultReader::is_batch() const {
  if (!h5::path_exists(file_.get(), "/variants", path_) || h5::path_exists(file_.get(), "/summary", path_))
    return false;
  H5O_info_t info;
  h5::check(H5Oget_info_by_name2(file_.get(), "/variants", &info, H5O_INFO_BASIC, H5P_DEFAULT), path_,
            "look up /variants");
  return info.type == H5O_TYPE_DATASET;
}

bool ResultReader::is_compare() const {
  return h5::path_exists(file_.get(), "/compare/summary", path_) && !h5::path_exists(file_.get(), "/summary", path_);
}

bool ResultReader::contains(const std::string& path) const {
  return h5::path_exists(file_.get(), path, path_);
}

std::string ResultReader::attribute_text(const std::string& path, const char* name) const {
  if (!h5::path_exists(file_.get(), path, path_)) throw std::runtime_error(path_ + ": nothing at " + path);
  const h5::Handle object(H5Oopen(file_.get(), path.c_str(), H5P_DEFAULT), H5Oclose, path_, "open " + path);
  return optional_string_attribute(object.get(), path, name, path_);
}

std::string ResultReader::description(const std::string& path) const { return attribute_text(path, kDescriptionAttribute); }

std::string ResultReader::unit(const std::string& path) const { return attribute_text(path, kUnitsAttribute); }

std::vector<SummaryValue> ResultReader::summary(const std::string& group) const {
  const h5::Handle g = h5::open_group(file_.get(), group, path_);
  const nlohmann::json units = optional_json_object(g.get(), group, kUnitsAttribute, path_);
  const nlohmann::json descriptions = optional_json_object(g.get(), group, kDescriptionsAttribute, path_);
  std::vector<SummaryValue> result;
  for (const auto& name : h5::attribute_names(g.get(), group, path_)) {
    if (h5::attribute_kind(g.get(), group, name, path_) != h5::AttributeKind::kNumber) continue;
    result.push_back({name, h5::read_double_attribute(g.get(), group, name, path_), string_member(units, name),
                      string_member(descriptions, name)});
  }
  return result;
}

std::vector<std::string> ResultReader::columns(const std::string& group) const {
  const h5::Handle g = h5::open_group(file_.get(), group, path_);
  return h5::dataset_names(g.get(), group, path_);
}

std::vector<double> ResultReader::column(const std::string& group, const std::string& name) const {
  const std::string path = join(group, name);
  hsize_t rows = 0;
  const h5::Handle dataset = open_1d(file_.get(), path, path_, rows);
  std::vector<double> values(rows);
  if (rows > 0) {
    h5::check(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), path_,
              "read " + path);
  }
  return values;
}

std::string ResultReader::column_unit(const std::string& group, const std::string& name) const {
  const std::string path = join(group, name);
  hsize_t rows = 0;
  const h5::Handle dataset = open_1d(file_.get(), path, path_, rows);
  return optional_string_attribute(dataset.get(), path, kUnitsAttribute, path_);
}

std::vector<JobRow> ResultReader::jobs(const std::string& path) const {
  hsize_t rows = 0;
  const h5::Handle dataset = open_1d(file_.get(), path, path_, rows);
  const h5::Handle type = job_memory_type(path_);
  std::vector<JobRow> result(rows);
  if (rows > 0) {
    h5::check(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, result.data()), path_,
              "read " + path);
  }
  return result;
}

double ResultReader::Records::at(std::size_t row, const std::string& field) const {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] == field) return values.at(row * fields.size() + i);
  }
  throw std::out_of_range("records have no field " + field);
}

const std::string& ResultReader::Records::text(std::size_t row, const std::string& field) const {
  for (std::size_t i = 0; i < text_fields.size(); ++i) {
    if (text_fields[i] == field) return texts[i].at(row);
  }
  throw std::out_of_range("records have no text field " + field);
}

ResultReader::Records ResultReader::records(const std::string& path) const {
  hsize_t rows = 0;
  const h5::Handle dataset = open_1d(file_.get(), path.c_str(), path_, rows);
  const h5::Handle type(H5Dget_type(dataset.get()), H5Tclose, path_, "read the type of " + path);
  const int members = H5Tget_nmembers(type.get());
  if (members < 0) h5::fail(path_, path + " is not a compound dataset");
  Records r;
  for (int i = 0; i < members; ++i) {
    char* name = H5Tget_member_name(type.get(), static_cast<unsigned>(i));
    if (name == nullptr) h5::fail(path_, "read the fields of " + path);
    const bool text = H5Tget_member_class(type.get(), static_cast<unsigned>(i)) == H5T_STRING;
    (text ? r.text_fields : r.fields).emplace_back(name);
    H5free_memory(name);
  }
  // The numbers: HDF5 converts the members named in the memory type and skips the others.
  const h5::Handle memory(H5Tcreate(H5T_COMPOUND, std::max<std::size_t>(1, r.fields.size()) * sizeof(double)), H5Tclose,
                          path_, "read " + path);
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    h5::check(H5Tinsert(memory.get(), r.fields[i].c_str(), i * sizeof(double), H5T_NATIVE_DOUBLE), path_,
              "read " + path);
  }
  r.values.resize(rows * r.fields.size());
  if (rows > 0 && !r.fields.empty()) {
    h5::check(H5Dread(dataset.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, r.values.data()), path_,
              "read " + path);
  }
  // Each text field on its own, as variable-length UTF-8 (as the writer stores them).
  const h5::Handle string_type = h5::utf8_string_type(path_);
  for (const auto& field : r.text_fields) {
    const std::string what = "read field " + field + " of " + path;
    const h5::Handle one(H5Tcreate(H5T_COMPOUND, sizeof(char*)), H5Tclose, path_, what);
    h5::check(H5Tinsert(one.get(), field.c_str(), 0, string_type.get()), path_, what);
    std::vector<char*> pointers(rows, nullptr);
    auto& column = r.texts.emplace_back();
    if (rows == 0) continue;
    h5::check(H5Dread(dataset.get(), one.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), path_, what);
    for (const char* p : pointers) column.emplace_back(p != nullptr ? p : "");
    const h5::Handle space(H5Dget_space(dataset.get()), H5Sclose, path_, what);
    H5Dvlen_reclaim(one.get(), space.get(), H5P_DEFAULT, pointers.data());
  }
  const nlohmann::json units = optional_json_object(dataset.get(), path, kUnitsAttribute, path_);
  const nlohmann::json descriptions = optional_json_object(dataset.get(), path, kDescriptionsAttribute, path_);
  for (const auto& field : r.fields) {
    r.units.push_back(string_member(units, field));
    r.descriptions.push_back(string_member(descriptions, field));
  }
  for (const auto& field : r.text_fields) r.text_descriptions.push_back(string_member(descriptions, field));
  return r;
}

std::vector<std::int64_t> ResultReader::indices(const std::string& path) const {
  hsize_t rows = 0;
  const h5::Handle dataset = open_1d(file_.get(), path.c_str(), path_, rows);
  std::vector<std::int64_t> out(rows);
  if (rows > 0) h5::check(H5Dread(dataset.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), path_, "read " + path);
  return out;
}

ResultReader::Matrix ResultReader::matrix(const std::string& path) const {
  const std::string what = "read " + path;
  const h5::Handle dataset(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), H5Dclose, path_, what);
  const h5::Handle space(H5Dget_space(dataset.get()), H5Sclose, path_, what);
  if (H5Sget_simple_extent_ndims(space.get()) != 2) throw std::runtime_error(path_ + ": " + path + " is not a 2-D dataset");
  hsize_t dims[2] = {0, 0};
  h5::check(H5Sget_simple_extent_dims(space.get(), dims, nullptr), path_, what);
  Matrix m{static_cast<std::size_t>(dims[0]), static_cast<std::size_t>(dims[1]), {}};
  m.values.resize(m.rows * m.cols);
  if (!m.values.empty()) h5::check(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, m.values.data()), path_, what);
  return m;
}

}  // namespace wattsim::results
