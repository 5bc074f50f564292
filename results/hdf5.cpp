#include "results/hdf5.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace wattsim::results::h5 {

std::string last_error_detail() {
  std::string detail;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* err, void* data) -> herr_t {
        if (n == 0 && err->desc != nullptr) *static_cast<std::string*>(data) = err->desc;
        return 0;
      },
      &detail);
  // I/O failures embed the system's message among file names, descriptors and buffer addresses:
  // "file write failed: time = ..., errno = 28, error message = 'No space left on device', ...".
  constexpr std::string_view kSystem = "error message = '";
  if (const auto at = detail.find(kSystem); at != std::string::npos) {
    const auto begin = at + kSystem.size();
    if (const auto end = detail.find('\'', begin); end != std::string::npos) return detail.substr(begin, end - begin);
  }
  return detail;
}

namespace {

std::vector<std::string> split_path(const std::string& path, const std::string& file) {
  if (path.empty() || path.front() != '/')
    throw std::invalid_argument(file + ": group path '" + path + "' is not absolute");
  std::vector<std::string> parts;
  std::size_t begin = 1;
  while (begin <= path.size()) {
    const std::size_t end = std::min(path.find('/', begin), path.size());
    if (end == begin) {
      if (end != path.size()) throw std::invalid_argument(file + ": group path '" + path + "' has an empty component");
    } else {
      parts.push_back(path.substr(begin, end - begin));
    }
    begin = end + 1;
  }
  return parts;
}

Handle group_creation_properties(const std::string& file) {
  Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, file, "create group properties");
  constexpr unsigned kOrder = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
  check(H5Pset_link_creation_order(gcpl.get(), kOrder), file, "set link creation order");
  check(H5Pset_attr_creation_order(gcpl.get(), kOrder), file, "set attribute creation order");
  return gcpl;
}

bool tracks_creation_order(hid_t object, bool links) {
  // Only groups have a creation property list with link order; datasets track attributes only
  // when asked, which this library never does.
  const hid_t plist = H5Iget_type(object) == H5I_GROUP ? H5Gget_create_plist(object) : H5Dget_create_plist(object);
  if (plist < 0) return false;
  unsigned flags = 0;
  const herr_t status = links ? H5Pget_link_creation_order(plist, &flags) : H5Pget_attr_creation_order(plist, &flags);
  H5Pclose(plist);
  return status >= 0 && (flags & H5P_CRT_ORDER_INDEXED) != 0;
}

}  // namespace

void silence_error_printing() {
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

void fail(const std::string& file, const std::string& what) {
  std::string message = file + ": cannot " + what;
  const std::string detail = last_error_detail();
  if (!detail.empty()) message += ": " + detail;
  throw std::runtime_error(message);
}

Handle::Handle(hid_t id, Closer closer, const std::string& file, const std::string& what) : id_(id), closer_(closer) {
  if (id < 0) fail(file, what);
}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    closer_ = other.closer_;
  }
  return *this;
}

void Handle::close(const std::string& file, const std::string& what) {
  if (!valid()) return;
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  check(closer_(id), file, what);
}

void Handle::reset() noexcept {
  if (valid()) closer_(std::exchange(id_, H5I_INVALID_HID));
}

Handle utf8_string_type(const std::string& file) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, file, "copy the string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), file, "make a variable-length string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), file, "set the UTF-8 character set");
  return type;
}

bool path_exists(hid_t file_id, const std::string& path, const std::string& file) {
  std::string prefix;
  for (const auto& part : split_path(path, file)) {
    prefix += '/';
    prefix += part;
    const htri_t exists = H5Lexists(file_id, prefix.c_str(), H5P_DEFAULT);
    if (exists < 0) fail(file, "look up " + prefix);
    if (exists == 0) return false;
  }
  return true;
}

Handle open_or_create_group(hid_t file_id, const std::string& path, const std::string& file) {
  Handle group(H5Gopen2(file_id, "/", H5P_DEFAULT), H5Gclose, file, "open the root group");
  Handle gcpl;
  std::string prefix;
  for (const auto& part : split_path(path, file)) {
    prefix += '/';
    prefix += part;
    const htri_t exists = H5Lexists(group.get(), part.c_str(), H5P_DEFAULT);
    if (exists < 0) fail(file, "look up " + prefix);
    if (exists > 0) {
      group = Handle(H5Gopen2(group.get(), part.c_str(), H5P_DEFAULT), H5Gclose, file, "open group " + prefix);
    } else {
      if (!gcpl.valid()) gcpl = group_creation_properties(file);
      group = Handle(H5Gcreate2(group.get(), part.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose, file,
                     "create group " + prefix);
    }
  }
  return group;
}

Handle open_group(hid_t file_id, const std::string& path, const std::string& file) {
  if (!path_exists(file_id, path, file)) throw std::runtime_error(file + ": no group " + path);
  return Handle(H5Gopen2(file_id, path.c_str(), H5P_DEFAULT), H5Gclose, file, "open group " + path);
}

void write_string_attribute(hid_t object, const std::string& where, const std::string& name, const std::string& value,
                            const std::string& file) {
  const std::string what = "write attribute " + name + " on " + where;
  const Handle type = utf8_string_type(file);
  const Handle space(H5Screate(H5S_SCALAR), H5Sclose, file, what);
  const Handle attr(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, file,
                    what);
  const char* data = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &data), file, what);
}

void write_double_attribute(hid_t object, const std::string& where, const std::string& name, double value,
                            const std::string& file) {
  const std::string what = "write attribute " + name + " on " + where;
  const Handle space(H5Screate(H5S_SCALAR), H5Sclose, file, what);
  const Handle attr(H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                    file, what);
  check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value), file, what);
}

AttributeKind attribute_kind(hid_t object, const std::string& where, const std::string& name, const std::string& file) {
  const std::string what = "read attribute " + name + " on " + where;
  const Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, file, what);
  const Handle type(H5Aget_type(attr.get()), H5Tclose, file, what);
  switch (H5Tget_class(type.get())) {
    case H5T_STRING:
      return AttributeKind::kString;
    case H5T_FLOAT:
    case H5T_INTEGER:
      return AttributeKind::kNumber;
    default:
      return AttributeKind::kOther;
  }
}

std::string read_string_attribute(hid_t object, const std::string& where, const std::string& name,
                                  const std::string& file) {
  const std::string what = "read attribute " + name + " on " + where;
  const Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, file, what);
  const Handle file_type(H5Aget_type(attr.get()), H5Tclose, file, what);
  if (H5Tget_class(file_type.get()) != H5T_STRING)
    throw std::runtime_error(file + ": attribute " + name + " on " + where + " is not a string");
  const htri_t variable = H5Tis_variable_str(file_type.get());
  if (variable < 0) fail(file, what);
  if (variable > 0) {
    const Handle mem_type = utf8_string_type(file);
    char* data = nullptr;
    check(H5Aread(attr.get(), mem_type.get(), &data), file, what);
    std::string value = data != nullptr ? data : "";
    H5free_memory(data);
    return value;
  }
  // Fixed-length strings (written by other tools): the stored size, possibly without a terminator.
  const std::size_t size = H5Tget_size(file_type.get());
  std::string value(size, '\0');
  check(H5Aread(attr.get(), file_type.get(), value.data()), file, what);
  value.resize(value.find('\0') == std::string::npos ? size : value.find('\0'));
  return value;
}

double read_double_attribute(hid_t object, const std::string& where, const std::string& name, const std::string& file) {
  const std::string what = "read attribute " + name + " on " + where;
  const Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, file, what);
  const Handle space(H5Aget_space(attr.get()), H5Sclose, file, what);
  if (H5Sget_simple_extent_npoints(space.get()) != 1)
    throw std::runtime_error(file + ": attribute " + name + " on " + where + " is not a scalar");
  double value = 0.0;
  check(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value), file, what);
  return value;
}

std::vector<std::string> attribute_names(hid_t object, const std::string& where, const std::string& file) {
  const H5_index_t index = tracks_creation_order(object, false) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
  std::vector<std::string> names;
  hsize_t position = 0;
  check(H5Aiterate2(
            object, index, H5_ITER_INC, &position,
            [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
              static_cast<std::vector<std::string>*>(data)->emplace_back(name);
              return 0;
            },
            &names),
        file, "list the attributes of " + where);
  return names;
}

void copy_attributes(hid_t from, hid_t to, const std::string& where, const std::string& file) {
  for (const auto& name : attribute_names(from, where, file)) {
    const std::string what = "copy attribute " + name + " of " + where;
    const Handle attr(H5Aopen(from, name.c_str(), H5P_DEFAULT), H5Aclose, file, what);
    const Handle type(H5Aget_type(attr.get()), H5Tclose, file, what);
    const Handle space(H5Aget_space(attr.get()), H5Sclose, file, what);
    const Handle copy(H5Acreate2(to, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, file,
                      what);
    const hssize_t points = H5Sget_simple_extent_npoints(space.get());
    if (points < 0) fail(file, what);
    const htri_t variable = H5Tget_class(type.get()) == H5T_STRING ? H5Tis_variable_str(type.get()) : 0;
    if (variable < 0) fail(file, what);
    if (variable > 0) {
      std::vector<char*> strings(static_cast<std::size_t>(points), nullptr);
      check(H5Aread(attr.get(), type.get(), strings.data()), file, what);
      const herr_t written = H5Awrite(copy.get(), type.get(), strings.data());
      H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, strings.data());
      check(written, file, what);
      continue;
    }
    const Handle native(H5Tget_native_type(type.get(), H5T_DIR_ASCEND), H5Tclose, file, what);
    std::vector<unsigned char> bytes(static_cast<std::size_t>(points) * H5Tget_size(native.get()));
    check(H5Aread(attr.get(), native.get(), bytes.data()), file, what);
    check(H5Awrite(copy.get(), native.get(), bytes.data()), file, what);
  }
}

std::vector<std::string> link_names(hid_t group, const std::string& where, const std::string& file) {
  const H5_index_t index = tracks_creation_order(group, true) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
  std::vector<std::string> names;
  hsize_t position = 0;
  check(H5Literate(
            group, index, H5_ITER_INC, &position,
            [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
              static_cast<std::vector<std::string>*>(data)->emplace_back(name);
              return 0;
            },
            &names),
        file, "list the contents of " + where);
  return names;
}

std::vector<std::string> dataset_names(hid_t group, const std::string& where, const std::string& file) {
  const H5_index_t index = tracks_creation_order(group, true) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
  std::vector<std::string> names;
  hsize_t position = 0;
  check(H5Literate(
            group, index, H5_ITER_INC, &position,
            [](hid_t parent, const char* name, const H5L_info_t*, void* data) -> herr_t {
              H5O_info_t info;
              if (H5Oget_info_by_name2(parent, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return -1;
              if (info.type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(data)->emplace_back(name);
              return 0;
            },
            &names),
        file, "list the datasets of " + where);
  return names;
}

}  // namespace wattsim::results::h5
