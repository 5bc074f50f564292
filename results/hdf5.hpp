#pragma once
// Checked access to the HDF5 C API for result-set files. Handle owns one hid_t and closes it
// with the matching H5*close; the helpers below turn every failed call into
// std::runtime_error("<file>: cannot <what>: <HDF5's innermost message>"), where <file> is the
// path the user named (the final path for a writer, not its temporary file).
//
// Every group this library creates tracks the creation order of its links and attributes, so
// readers list columns and summary values in the order they were written.

#include <hdf5.h>

#include <string>
#include <vector>

namespace wattsim::results::h5 {

// Turns off HDF5's printing of its error stack to stderr (process-wide, once); the exceptions
// thrown here say what failed instead. Called by every constructor of this library.
void silence_error_printing();

// The innermost message of HDF5's error stack after a failed call (the most specific one), or
// only the system's message when that one carries it ("No space left on device"); "" if none.
std::string last_error_detail();

// Throws std::runtime_error("<file>: cannot <what>[: <HDF5 detail>]").
[[noreturn]] void fail(const std::string& file, const std::string& what);

inline void check(herr_t status, const std::string& file, const std::string& what) {
  if (status < 0) fail(file, what);
}

// Owns one HDF5 identifier. Move-only; the destructor closes it and ignores errors (use
// close() where a failed close must be reported, e.g. the file at commit).
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);

  Handle() noexcept = default;
  // Takes ownership of id, the result of an HDF5 call; throws when the call failed (id < 0).
  Handle(hid_t id, Closer closer, const std::string& file, const std::string& what);
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) { other.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& other) noexcept;
  ~Handle() { reset(); }

  hid_t get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  // Closes now; throws when HDF5 reports a failure (data may not have reached the file).
  void close(const std::string& file, const std::string& what);
  // Closes now, ignoring failures.
  void reset() noexcept;

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// Variable-length UTF-8 string type (h5py reads such attributes as str).
Handle utf8_string_type(const std::string& file);

// Opens the group at an absolute path ("/sites/a/summary"), creating it and missing parents.
Handle open_or_create_group(hid_t file_id, const std::string& path, const std::string& file);
// Opens an existing group; throws "<file>: no group <path>" when absent.
Handle open_group(hid_t file_id, const std::string& path, const std::string& file);
// True when every component of the absolute path exists as a link.
bool path_exists(hid_t file_id, const std::string& path, const std::string& file);

// Scalar attributes on an object; `where` names the object in error messages ("/meta").
void write_string_attribute(hid_t object, const std::string& where, const std::string& name, const std::string& value,
                            const std::string& file);
void write_double_attribute(hid_t object, const std::string& where, const std::string& name, double value,
                            const std::string& file);

enum class AttributeKind { kString, kNumber, kOther };
AttributeKind attribute_kind(hid_t object, const std::string& where, const std::string& name, const std::string& file);
std::string read_string_attribute(hid_t object, const std::string& where, const std::string& name,
                                  const std::string& file);
double read_double_attribute(hid_t object, const std::string& where, const std::string& name, const std::string& file);
// Attribute names in creation order when the object tracks it, otherwise in name order.
std::vector<std::string> attribute_names(hid_t object, const std::string& where, const std::string& file);
// Copies every attribute of object `from` onto object `to` (which has none of those names), in
// the order attribute_names lists them: strings as strings, numbers in their file type.
// `where` names `from` in error messages. (H5Ocopy copies attributes itself, but HDF5 1.10.8
// crashes copying variable-length strings out of dense attribute storage, which a /summary
// group of ~100 values uses.)
void copy_attributes(hid_t from, hid_t to, const std::string& where, const std::string& file);
// Names of every link directly in a group (groups, datasets, ...), in creation order when
// tracked, otherwise by name.
std::vector<std::string> link_names(hid_t group, const std::string& where, const std::string& file);
// Names of the datasets directly in a group, in creation order when tracked, otherwise by name.
std::vector<std::string> dataset_names(hid_t group, const std::string& where, const std::string& file);

}  // namespace wattsim::results::h5
