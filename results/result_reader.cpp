#include "results/result_reader.hpp"

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

}  // namespace

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

std::vector<SummaryValue> ResultReader::summary(const std::string& group) const {
  const h5::Handle g = h5::open_group(file_.get(), group, path_);
  nlohmann::json units = nlohmann::json::object();
  const htri_t has_units = H5Aexists(g.get(), kUnitsAttribute);
  if (has_units < 0) h5::fail(path_, "look up the units of " + group);
  if (has_units > 0) {
    const std::string text = h5::read_string_attribute(g.get(), group, kUnitsAttribute, path_);
    units = nlohmann::json::parse(text, nullptr, false);
    if (!units.is_object()) {
      throw std::runtime_error(path_ + ": the units of " + group + " are not a JSON object: " + text);
    }
  }
  std::vector<SummaryValue> result;
  for (const auto& name : h5::attribute_names(g.get(), group, path_)) {
    if (name == kUnitsAttribute) continue;
    if (h5::attribute_kind(g.get(), group, name, path_) != h5::AttributeKind::kNumber) continue;
    SummaryValue value{name, h5::read_double_attribute(g.get(), group, name, path_), ""};
    if (const auto it = units.find(name); it != units.end() && it->is_string()) value.unit = it->get<std::string>();
    result.push_back(std::move(value));
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
  const htri_t has_units = H5Aexists(dataset.get(), kUnitsAttribute);
  if (has_units < 0) h5::fail(path_, "look up the units of " + path);
  return has_units > 0 ? h5::read_string_attribute(dataset.get(), path, kUnitsAttribute, path_) : std::string();
}

std::vector<JobRow> ResultReader::jobs() const {
  hsize_t rows = 0;
  const h5::Handle dataset = open_1d(file_.get(), kJobsDataset, path_, rows);
  const h5::Handle type = job_memory_type(path_);
  std::vector<JobRow> result(rows);
  if (rows > 0) {
    h5::check(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, result.data()), path_,
              std::string("read ") + kJobsDataset);
  }
  return result;
}

double ResultReader::Records::at(std::size_t row, const std::string& field) const {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] == field) return values.at(row * fields.size() + i);
  }
  throw std::out_of_range("records have no field " + field);
}

ResultReader::Records ResultReader::records(const std::string& path) const {
  hsize_t rows = 0;
  const h5::Handle dataset = open_1d(file_.get(), path.c_str(), path_, rows);
  const h5::Handle type(H5Dget_type(dataset.get()), H5Tclose, path_, "read the type of " + path);
  const int members = H5Tget_nmembers(type.get());
  if (members < 0) h5::fail(path_, path + " is not a compound dataset");
  Records r;
  const h5::Handle memory(H5Tcreate(H5T_COMPOUND, static_cast<std::size_t>(members) * sizeof(double)), H5Tclose, path_,
                          "read " + path);
  for (int i = 0; i < members; ++i) {
    char* name = H5Tget_member_name(type.get(), static_cast<unsigned>(i));
    if (name == nullptr) h5::fail(path_, "read the fields of " + path);
    r.fields.emplace_back(name);
    H5free_memory(name);
    h5::check(H5Tinsert(memory.get(), r.fields.back().c_str(), static_cast<std::size_t>(i) * sizeof(double), H5T_NATIVE_DOUBLE),
              path_, "read " + path);
  }
  r.values.resize(rows * static_cast<std::size_t>(members));
  if (rows > 0) h5::check(H5Dread(dataset.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, r.values.data()), path_, "read " + path);
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
