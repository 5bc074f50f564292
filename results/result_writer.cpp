#include "results/result_writer.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <system_error>

#include "results/chunk_codec.hpp"

namespace wattsim::results {
namespace {

// Chunks are written as raw bytes: native doubles and integers must be the file's little-endian ones.
static_assert(std::endian::native == std::endian::little);

constexpr hsize_t kJobChunkRows = 16384;
// Rows buffered before a write: whole chunks, so every chunk is compressed and written once.
constexpr std::size_t kJobBlockRows = 4 * kJobChunkRows;

// A 1-D extendible dataset of `type`, chunked by chunk_rows, with shuffle + deflate when
// compression_level > 0 (shuffle groups the bytes of equal significance, which makes slowly
// varying numbers compress much better for little time).
h5::Handle create_extendible_dataset(hid_t location, const std::string& name, hid_t type, hsize_t chunk_rows,
                                     int compression_level, const std::string& file, const std::string& what) {
  const hsize_t initial = 0;
  const hsize_t maximum = H5S_UNLIMITED;
  const h5::Handle space(H5Screate_simple(1, &initial, &maximum), H5Sclose, file, what);
  const h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, file, what);
  h5::check(H5Pset_chunk(dcpl.get(), 1, &chunk_rows), file, what);
  if (compression_level > 0) {
    h5::check(H5Pset_shuffle(dcpl.get()), file, what);
    h5::check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(compression_level)), file, what);
  }
  return h5::Handle(H5Dcreate2(location, name.c_str(), type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                    H5Dclose, file, what);
}

void extend(hid_t dataset, hsize_t rows, const std::string& file, const std::string& what) {
  h5::check(H5Dset_extent(dataset, &rows), file, what);
}

// Points the descriptor under an HDF5 file (sec2 driver) at a file that accepts every write.
void redirect_to_scratch(hid_t file_id) noexcept {
  void* handle = nullptr;
  if (H5Fget_vfd_handle(file_id, H5P_DEFAULT, &handle) < 0 || handle == nullptr) return;
#ifdef __linux__
  int sink = ::memfd_create("wattsim-discarded-result", MFD_CLOEXEC);
#else
  int sink = -1;
#endif
  if (sink < 0) sink = ::open("/dev/null", O_RDWR | O_CLOEXEC);  // truncation will fail, the rest works
  if (sink < 0) return;
  ::dup2(sink, *static_cast<int*>(handle));
  ::close(sink);
}

// One whole chunk of a 1-D dataset in the file layout. The last chunk of a dataset is padded
// with zeros (the default fill value) past its last row, as HDF5 itself stores edge chunks.
struct ChunkWrite {
  hid_t dataset;
  hsize_t first_row;  // a multiple of the chunk size
  std::span<const unsigned char> bytes;
  const std::string* what;
};

// Writes whole chunks with H5Dwrite_chunk, encoded as the datasets' shuffle + deflate filters
// would (on several threads) when compression_level > 0: HDF5's own filter pipeline runs on
// one thread, and on a failed write it leaks its chunk buffer. The datasets must already be
// extended to hold the chunks. Batches bound the encoded bytes held at once (a table with
// thousands of columns flushes thousands of chunks together).
void write_chunks(const std::vector<ChunkWrite>& writes, std::size_t element_size, int compression_level,
                  const std::string& file) {
  if (compression_level == 0) {
    for (const auto& w : writes) {
      h5::check(H5Dwrite_chunk(w.dataset, H5P_DEFAULT, 0, &w.first_row, w.bytes.size(), w.bytes.data()), file, *w.what);
    }
    return;
  }
  constexpr std::size_t kBatch = 16;
  std::vector<std::span<const unsigned char>> raw;
  for (std::size_t first = 0; first < writes.size(); first += kBatch) {
    const std::size_t last = std::min(first + kBatch, writes.size());
    raw.clear();
    for (std::size_t i = first; i < last; ++i) raw.push_back(writes[i].bytes);
    const auto encoded = shuffle_deflate_all(raw, element_size, compression_level);
    for (std::size_t i = first; i < last; ++i) {
      const auto& chunk = encoded[i - first];
      h5::check(H5Dwrite_chunk(writes[i].dataset, H5P_DEFAULT, 0, &writes[i].first_row, chunk.size(), chunk.data()),
                file, *writes[i].what);
    }
  }
}

std::string join(const std::string& group, const std::string& name) {
  return group == "/" ? "/" + name : group + "/" + name;
}

// Every key of a result set is described (docs/results.md): an empty description is the
// caller's mistake, found before anything is written.
void require_description(const std::string& file, const std::string& what, const std::string& description) {
  if (description.empty()) throw std::logic_error(file + ": " + what + " has no description");
}

// Writes a string attribute, replacing one of the same name.
void replace_string_attribute(hid_t object, const std::string& where, const char* name, const std::string& value,
                              const std::string& file) {
  const htri_t exists = H5Aexists(object, name);
  if (exists < 0) h5::fail(file, std::string("look up attribute ") + name + " on " + where);
  if (exists > 0) h5::check(H5Adelete(object, name), file, std::string("replace attribute ") + name + " on " + where);
  h5::write_string_attribute(object, where, name, value, file);
}

// Adds entries to the JSON object held by the string attribute `name` (created when absent).
void merge_json_attribute(hid_t object, const std::string& where, const char* name,
                          const std::vector<std::pair<std::string, std::string>>& entries, const std::string& file) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  const htri_t exists = H5Aexists(object, name);
  if (exists < 0) h5::fail(file, std::string("look up attribute ") + name + " on " + where);
  if (exists > 0) doc = nlohmann::ordered_json::parse(h5::read_string_attribute(object, where, name, file));
  for (const auto& [key, value] : entries) doc[key] = value;
  replace_string_attribute(object, where, name, doc.dump(), file);
}

// A JSON object {keys[i]: values[i]}, in the keys' order.
std::string json_object(const std::vector<std::string>& keys, const std::vector<std::string>& values) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < keys.size(); ++i) doc[keys[i]] = values[i];
  return doc.dump();
}

}  // namespace

struct ResultWriter::State {
  std::string final_path;
  std::string temp_path;
  int compression_level = 1;
  h5::Handle file;
  std::vector<std::unique_ptr<ColumnTable>> tables;
  h5::Handle jobs;
  h5::Handle jobs_type;
  std::vector<unsigned char> jobs_block;  // up to kJobBlockRows packed rows, whole chunks
  std::size_t jobs_buffered = 0;
  std::size_t jobs_written = 0;
  bool with_jobs = true;  // false: the result set has no /jobs (a batch's)
  bool finished = false;  // committed, or commit failed

  void create_jobs() {
    const std::string what = std::string("create dataset ") + kJobsDataset;
    jobs_type = job_file_type(final_path);
    jobs = create_extendible_dataset(file.get(), kJobsDataset, jobs_type.get(), kJobChunkRows, compression_level,
                                     final_path, what);
    // Self-describing: each field's unit and description (results/result_set.cpp lists them).
    nlohmann::ordered_json units = nlohmann::ordered_json::object(), descriptions = nlohmann::ordered_json::object();
    for (const auto& f : job_fields()) {
      units[f.name] = f.unit;
      descriptions[f.name] = f.description;
    }
    h5::write_string_attribute(jobs.get(), kJobsDataset, kDescriptionAttribute,
                               "one row per job: what happened to it and its share of the site's energy, carbon and cost",
                               final_path);
    h5::write_string_attribute(jobs.get(), kJobsDataset, kUnitsAttribute, units.dump(), final_path);
    h5::write_string_attribute(jobs.get(), kJobsDataset, kDescriptionsAttribute, descriptions.dump(), final_path);
    jobs_block.resize(kJobChunkRows * kJobRecordBytes);  // grows a chunk at a time, up to a block
  }

  // /jobs is double-buffered: while the simulation fills jobs_block, the previous block is
  // encoded on a worker thread (pending_*); its chunks are written (HDF5 calls stay on this
  // thread: the library is not thread-safe) at the next flush or at commit. On two cores the
  // compression of /jobs thus overlaps the simulation instead of pausing it.
  std::vector<unsigned char> jobs_encoding;       // the block being encoded
  std::future<std::vector<std::vector<unsigned char>>> pending;
  std::size_t pending_first_row = 0, pending_rows = 0;

  // Writes the chunks of the block encoded in the background, if any.
  void write_pending() {
    if (!pending.valid()) return;
    const auto encoded = pending.get();  // rethrows an encoding failure
    const std::string what = std::string("write rows to ") + kJobsDataset;
    for (std::size_t c = 0; c < encoded.size(); ++c) {
      const hsize_t first = pending_first_row + c * kJobChunkRows;
      h5::check(H5Dwrite_chunk(jobs.get(), H5P_DEFAULT, 0, &first, encoded[c].size(), encoded[c].data()), final_path,
                what);
    }
    pending_rows = 0;
  }

  // Writes the buffered rows, a whole number of chunks except at commit. In the background
  // when `background` (a full block during the run), else at once (commit).
  void flush_jobs(bool background) {
    write_pending();
    if (jobs_buffered == 0) return;
    const std::string what = std::string("write rows to ") + kJobsDataset;
    extend(jobs.get(), jobs_written + jobs_buffered, final_path, what);
    const std::size_t chunks = (jobs_buffered + kJobChunkRows - 1) / kJobChunkRows;
    const std::size_t chunk_bytes = kJobChunkRows * kJobRecordBytes;
    std::fill(jobs_block.begin() + static_cast<std::ptrdiff_t>(jobs_buffered * kJobRecordBytes),
              jobs_block.begin() + static_cast<std::ptrdiff_t>(chunks * chunk_bytes), 0);
    if (background && compression_level > 0) {
      jobs_encoding.swap(jobs_block);
      jobs_block.resize(jobs_encoding.size());
      pending_first_row = jobs_written;
      pending_rows = jobs_buffered;
      const unsigned char* data = jobs_encoding.data();
      const int level = compression_level;
      pending = std::async(std::launch::async, [data, chunks, chunk_bytes, level] {
        std::vector<std::span<const unsigned char>> raw;
        for (std::size_t c = 0; c < chunks; ++c) raw.emplace_back(data + c * chunk_bytes, chunk_bytes);
        return shuffle_deflate_all(raw, kJobRecordBytes, level, 1);
      });
    } else {
      std::vector<ChunkWrite> writes;
      for (std::size_t c = 0; c < chunks; ++c) {
        writes.push_back({jobs.get(), jobs_written + c * kJobChunkRows,
                          std::span(jobs_block).subspan(c * chunk_bytes, chunk_bytes), &what});
      }
      write_chunks(writes, kJobRecordBytes, compression_level, final_path);
    }
    jobs_written += jobs_buffered;
    jobs_buffered = 0;
  }

  // After a failed write: nothing more can be trusted to reach the file.
  void fail() noexcept {
    discard();
    finished = true;
  }

  // Closes everything, ignoring errors, and removes the temporary file. HDF5 1.10 cannot close
  // a file whose writes fail (full disk): H5Fclose fails and the library later crashes at exit
  // in H5F__close_cb. The content is unwanted, so the file's descriptor is first pointed at an
  // anonymous in-memory file: the closing flush (metadata, a few KiB) and truncation then
  // succeed and HDF5 releases everything.
  void discard() noexcept {
    if (pending.valid()) pending.wait();  // the worker reads jobs_encoding
    if (file.valid()) redirect_to_scratch(file.get());
    for (auto& table : tables) {
      if (table->pending_.valid()) table->pending_.wait();  // the worker reads its encoding_
      table->open_ = false;
      table->datasets_.clear();
    }
    jobs.reset();
    jobs_type.reset();
    file.reset();
    std::error_code ignored;
    std::filesystem::remove(temp_path, ignored);
  }
};

// ---- ColumnTable ----

ResultWriter::ColumnTable::ColumnTable(State& writer, std::string group, std::vector<std::string> columns,
                                       const std::vector<std::string>& units,
                                       const std::vector<std::string>& descriptions)
    : writer_(&writer), group_(std::move(group)), columns_(std::move(columns)) {
  const std::string& file = writer_->final_path;
  const h5::Handle parent = h5::open_or_create_group(writer_->file.get(), group_, file);
  for (const auto& name : columns_) {
    const htri_t exists = H5Lexists(parent.get(), name.c_str(), H5P_DEFAULT);
    if (exists < 0) h5::fail(file, "look up " + join(group_, name));
    if (exists > 0) throw std::invalid_argument(file + ": table " + group_ + ": " + join(group_, name) + " exists");
  }
  datasets_.reserve(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const std::string path = join(group_, columns_[c]);
    datasets_.push_back(create_extendible_dataset(parent.get(), columns_[c], H5T_IEEE_F64LE, kChunkRows,
                                                  writer_->compression_level, file, "create dataset " + path));
    h5::write_string_attribute(datasets_.back().get(), path, kUnitsAttribute, units[c], file);
    h5::write_string_attribute(datasets_.back().get(), path, kDescriptionAttribute, descriptions[c], file);
  }
  block_.resize(columns_.size() * kChunkRows);
}

void ResultWriter::ColumnTable::append(std::span<const double> row) {
  if (!open_) {
    throw std::logic_error(writer_->final_path + ": row appended to table " + group_ +
                           " after commit or a failed write");
  }
  if (row.size() != columns_.size()) {
    throw std::logic_error(writer_->final_path + ": row of " + std::to_string(row.size()) +
                           " values appended to table " + group_ + " of " + std::to_string(columns_.size()) +
                           " columns");
  }
  for (std::size_t c = 0; c < row.size(); ++c) block_[c * kChunkRows + buffered_] = row[c];
  if (++buffered_ == kChunkRows) {
    try {
      flush(true);
    } catch (...) {
      writer_->fail();
      throw;
    }
  }
}

void ResultWriter::ColumnTable::write_pending() {
  if (!pending_.valid()) return;
  const auto encoded = pending_.get();  // rethrows an encoding failure
  const hsize_t first = pending_first_row_;
  for (std::size_t c = 0; c < encoded.size(); ++c) {
    h5::check(H5Dwrite_chunk(datasets_[c].get(), H5P_DEFAULT, 0, &first, encoded[c].size(), encoded[c].data()),
              writer_->final_path, "write rows to " + join(group_, columns_[c]));
  }
}

void ResultWriter::ColumnTable::flush(bool background) {
  write_pending();
  if (buffered_ == 0) return;
  const std::string& file = writer_->final_path;
  const int level = writer_->compression_level;
  std::vector<std::string> whats;
  whats.reserve(columns_.size());
  for (const auto& name : columns_) whats.push_back("write rows to " + join(group_, name));
  for (std::size_t c = 0; c < columns_.size(); ++c)
    extend(datasets_[c].get(), rows_written_ + buffered_, file, whats[c]);
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    double* column = &block_[c * kChunkRows];
    std::fill(column + buffered_, column + kChunkRows, 0.0);
  }
  if (background && level > 0) {
    // Encoded on a worker thread while the simulation goes on (HDF5 calls stay on this one).
    encoding_.swap(block_);
    block_.resize(encoding_.size());
    pending_first_row_ = rows_written_;
    const double* data = encoding_.data();
    const std::size_t columns = columns_.size();
    pending_ = std::async(std::launch::async, [data, columns, level] {
      std::vector<std::span<const unsigned char>> raw;
      for (std::size_t c = 0; c < columns; ++c) {
        raw.emplace_back(reinterpret_cast<const unsigned char*>(data + c * kChunkRows), kChunkRows * sizeof(double));
      }
      return shuffle_deflate_all(raw, sizeof(double), level, 1);
    });
  } else {
    std::vector<ChunkWrite> writes;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      writes.push_back({datasets_[c].get(),
                        rows_written_,
                        {reinterpret_cast<const unsigned char*>(&block_[c * kChunkRows]), kChunkRows * sizeof(double)},
                        &whats[c]});
    }
    write_chunks(writes, sizeof(double), level, file);
  }
  rows_written_ += buffered_;
  buffered_ = 0;
}

void ResultWriter::ColumnTable::close() {
  if (!open_) return;
  flush(false);
  open_ = false;
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    datasets_[c].close(writer_->final_path, "close " + join(group_, columns_[c]));
  }
  datasets_.clear();
  block_ = {};
}

// ---- ResultWriter ----

ResultWriter::ResultWriter(std::string final_path, int compression_level) : state_(std::make_unique<State>()) {
  h5::silence_error_printing();
  if (compression_level < 0 || compression_level > 9) {
    throw std::invalid_argument(final_path + ": compression level " + std::to_string(compression_level) +
                                " is not in 0-9");
  }
  State& s = *state_;
  s.final_path = std::move(final_path);
  s.temp_path = s.final_path + kTempInfix + std::to_string(::getpid());
  s.compression_level = compression_level;

  const std::string what = "create temporary file " + s.temp_path;
  const h5::Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose, s.final_path, what);
  constexpr unsigned kOrder = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
  h5::check(H5Pset_link_creation_order(fcpl.get(), kOrder), s.final_path, what);
  h5::check(H5Pset_attr_creation_order(fcpl.get(), kOrder), s.final_path, what);
  const h5::Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, s.final_path, what);
  // The 1.8 file format: creation-order indexes and large attributes, readable by HDF5 >= 1.8.
  h5::check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18), s.final_path, what);
  // Closing the file with objects still open fails instead of silently postponing the close.
  h5::check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_SEMI), s.final_path, what);
  const hid_t file_id = H5Fcreate(s.temp_path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get());
  if (file_id < 0) {
    const std::string detail = h5::last_error_detail();
    std::error_code ignored;
    std::filesystem::remove(s.temp_path, ignored);  // created, then the superblock could not be written
    throw std::runtime_error(s.final_path + ": cannot " + what + (detail.empty() ? "" : ": " + detail));
  }
  s.file = h5::Handle(file_id, H5Fclose, s.final_path, what);
  try {
    const h5::Handle meta = h5::open_or_create_group(s.file.get(), kMetaGroup, s.final_path);
    // Here, not in write_meta: every file this writer makes says which layout it has.
    h5::write_double_attribute(meta.get(), kMetaGroup, kFormatVersionAttribute, kFormatVersion, s.final_path);
  } catch (...) {
    s.discard();
    throw;
  }
}

ResultWriter::ResultWriter(ResultWriter&&) noexcept = default;

ResultWriter& ResultWriter::operator=(ResultWriter&& other) noexcept {
  if (this != &other) {
    if (state_ && !state_->finished) state_->discard();
    state_ = std::move(other.state_);
  }
  return *this;
}

ResultWriter::~ResultWriter() {
  if (state_ && !state_->finished) state_->discard();
}

ResultWriter::State& ResultWriter::state(const char* action) const {
  if (!state_) throw std::logic_error(std::string("ResultWriter::") + action + " on a moved-from writer");
  if (state_->finished) {
    throw std::logic_error(state_->final_path + ": " + action + " after commit or a failed write");
  }
  return *state_;
}

const std::string& ResultWriter::final_path() const noexcept {
  return state_->final_path;
}

const std::string& ResultWriter::temp_path() const noexcept {
  return state_->temp_path;
}

void ResultWriter::write_meta(const std::vector<std::pair<std::string, std::string>>& strings,
                              const std::vector<std::pair<std::string, double>>& numbers) {
  const State& s = state("write_meta");
  const auto is_version = [](const auto& attribute) { return attribute.first == kFormatVersionAttribute; };
  if (std::any_of(strings.begin(), strings.end(), is_version) ||
      std::any_of(numbers.begin(), numbers.end(), is_version)) {
    throw std::logic_error(s.final_path + ": /meta " + kFormatVersionAttribute + " is written by the writer itself");
  }
  const h5::Handle meta = h5::open_group(s.file.get(), kMetaGroup, s.final_path);
  for (const auto& [name, value] : strings)
    h5::write_string_attribute(meta.get(), kMetaGroup, name, value, s.final_path);
  for (const auto& [name, value] : numbers)
    h5::write_double_attribute(meta.get(), kMetaGroup, name, value, s.final_path);
}

void ResultWriter::write_summary(const std::string& group, const std::vector<SummaryValue>& values) {
  const State& s = state("write_summary");
  for (const auto& v : values)
    require_description(s.final_path, "summary value " + v.name + " in " + group, v.description);
  const h5::Handle g = h5::open_or_create_group(s.file.get(), group, s.final_path);
  // Checked first, so that a rejected call leaves the group as it was.
  std::set<std::string> seen;
  for (const auto& v : values) {
    const htri_t exists = H5Aexists(g.get(), v.name.c_str());
    if (exists < 0) h5::fail(s.final_path, "look up summary value " + v.name + " in " + group);
    const bool reserved =
        v.name == kUnitsAttribute || v.name == kDescriptionsAttribute || v.name == kDescriptionAttribute;
    const char* problem = reserved                      ? " is named like the group's units or descriptions"
                          : exists > 0                  ? " was already written"
                          : !seen.insert(v.name).second ? " is given twice"
                                                        : nullptr;
    if (problem != nullptr)
      throw std::invalid_argument(s.final_path + ": summary value " + v.name + " in " + group + problem);
  }
  for (const auto& v : values) h5::write_double_attribute(g.get(), group, v.name, v.value, s.final_path);

  std::vector<std::pair<std::string, std::string>> units, descriptions;
  for (const auto& v : values) {
    units.emplace_back(v.name, v.unit);
    descriptions.emplace_back(v.name, v.description);
  }
  merge_json_attribute(g.get(), group, kUnitsAttribute, units, s.final_path);
  merge_json_attribute(g.get(), group, kDescriptionsAttribute, descriptions, s.final_path);
}

void ResultWriter::describe_group(const std::string& path, const std::string& description) {
  const State& s = state("describe_group");
  require_description(s.final_path, "group " + path, description);
  const h5::Handle g = h5::open_or_create_group(s.file.get(), path, s.final_path);
  replace_string_attribute(g.get(), path, kDescriptionAttribute, description, s.final_path);
}

namespace {
// Splits "/a/b/name" into the group "/a/b" (or "/") and "name".
std::pair<std::string, std::string> split_path(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || slash + 1 == path.size()) throw std::invalid_argument("not a dataset path: " + path);
  return {slash == 0 ? std::string("/") : path.substr(0, slash), path.substr(slash + 1)};
}
}  // namespace

void ResultWriter::write_records(const std::string& path, const std::string& description,
                                 const std::vector<std::string>& fields, const std::vector<std::string>& units,
                                 const std::vector<std::string>& descriptions, std::span<const double> values,
                                 const std::vector<TextField>& texts) {
  State& s = state("write_records");
  std::set<std::string> seen(fields.begin(), fields.end());
  const bool texts_match = std::all_of(texts.begin(), texts.end(), [&](const TextField& t) {
    return !fields.empty() && t.values.size() * fields.size() == values.size() && seen.insert(t.name).second;
  });
  if (fields.empty() || units.size() != fields.size() || descriptions.size() != fields.size() ||
      values.size() % fields.size() != 0 || !texts_match) {
    throw std::logic_error(s.final_path + ": records at " + path +
                           ": fields, units, descriptions and values do not match, or a text field repeats a name");
  }
  require_description(s.final_path, "records " + path, description);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    require_description(s.final_path, "field " + fields[i] + " of records " + path, descriptions[i]);
  }
  for (const auto& t : texts)
    require_description(s.final_path, "field " + t.name + " of records " + path, t.description);
  const std::string what = "write records " + path;
  try {
    const auto [group, name] = split_path(path);
    const h5::Handle parent = h5::open_or_create_group(s.file.get(), group, s.final_path);
    // A row in memory: the doubles, then one pointer per text field (HDF5's variable-length
    // strings), which HDF5 stores in the file's heap.
    const std::size_t numbers_bytes = fields.size() * sizeof(double);
    const std::size_t record = numbers_bytes + texts.size() * sizeof(const char*);
    const h5::Handle text_type = h5::utf8_string_type(s.final_path);
    const h5::Handle type(H5Tcreate(H5T_COMPOUND, record), H5Tclose, s.final_path, what);
    for (std::size_t i = 0; i < fields.size(); ++i) {
      h5::check(H5Tinsert(type.get(), fields[i].c_str(), i * sizeof(double), H5T_NATIVE_DOUBLE), s.final_path, what);
    }
    for (std::size_t t = 0; t < texts.size(); ++t) {
      h5::check(H5Tinsert(type.get(), texts[t].name.c_str(), numbers_bytes + t * sizeof(const char*), text_type.get()),
                s.final_path, what);
    }
    const hsize_t rows = values.size() / fields.size();
    std::vector<unsigned char> packed;  // with text fields: the rows in the layout above
    if (!texts.empty()) {
      packed.resize(rows * record);
      for (std::size_t r = 0; r < rows; ++r) {
        std::memcpy(&packed[r * record], values.data() + r * fields.size(), numbers_bytes);
        for (std::size_t t = 0; t < texts.size(); ++t) {
          const char* text = texts[t].values[r].c_str();
          std::memcpy(&packed[r * record + numbers_bytes + t * sizeof(const char*)], &text, sizeof text);
        }
      }
    }
    const h5::Handle space(H5Screate_simple(1, &rows, nullptr), H5Sclose, s.final_path, what);
    const h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, s.final_path, what);
    if (rows > 0) {
      const hsize_t chunk = std::min<hsize_t>(rows, 4096);
      h5::check(H5Pset_chunk(dcpl.get(), 1, &chunk), s.final_path, what);
      if (s.compression_level > 0) {
        h5::check(H5Pset_shuffle(dcpl.get()), s.final_path, what);
        h5::check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(s.compression_level)), s.final_path, what);
      }
    }
    const h5::Handle dataset(H5Dcreate2(parent.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                             H5Dclose, s.final_path, what);
    if (rows > 0) {
      const void* data = texts.empty() ? static_cast<const void*>(values.data()) : packed.data();
      h5::check(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), s.final_path, what);
    }
    std::vector<std::string> names = fields, all_units = units, all_descriptions = descriptions;
    for (const auto& t : texts) {
      names.push_back(t.name);
      all_units.emplace_back();
      all_descriptions.push_back(t.description);
    }
    h5::write_string_attribute(dataset.get(), path, kDescriptionAttribute, description, s.final_path);
    h5::write_string_attribute(dataset.get(), path, kUnitsAttribute, json_object(names, all_units), s.final_path);
    h5::write_string_attribute(dataset.get(), path, kDescriptionsAttribute, json_object(names, all_descriptions),
                               s.final_path);
  } catch (const std::runtime_error&) {
    s.fail();
    throw;
  }
}

void ResultWriter::write_indices(const std::string& path, std::span<const std::int64_t> values, const std::string& unit,
                                 const std::string& description) {
  State& s = state("write_indices");
  require_description(s.final_path, path, description);
  const std::string what = "write " + path;
  try {
    const auto [group, name] = split_path(path);
    const h5::Handle parent = h5::open_or_create_group(s.file.get(), group, s.final_path);
    const hsize_t rows = values.size();
    const h5::Handle space(H5Screate_simple(1, &rows, nullptr), H5Sclose, s.final_path, what);
    const h5::Handle dataset(H5Dcreate2(parent.get(), name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                             H5Dclose, s.final_path, what);
    if (rows > 0) {
      h5::check(H5Dwrite(dataset.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), s.final_path, what);
    }
    h5::write_string_attribute(dataset.get(), path, kUnitsAttribute, unit, s.final_path);
    h5::write_string_attribute(dataset.get(), path, kDescriptionAttribute, description, s.final_path);
  } catch (const std::runtime_error&) {
    s.fail();
    throw;
  }
}

void ResultWriter::write_matrix(const std::string& path, std::size_t rows, std::size_t cols,
                                std::span<const double> values, const std::string& unit,
                                const std::string& description) {
  State& s = state("write_matrix");
  require_description(s.final_path, path, description);
  if (values.size() != rows * cols) {
    throw std::logic_error(s.final_path + ": matrix at " + path + ": " + std::to_string(values.size()) + " values for " +
                           std::to_string(rows) + " x " + std::to_string(cols));
  }
  const std::string what = "write " + path;
  try {
    const auto [group, name] = split_path(path);
    const h5::Handle parent = h5::open_or_create_group(s.file.get(), group, s.final_path);
    const hsize_t dims[2] = {rows, cols};
    const h5::Handle space(H5Screate_simple(2, dims, nullptr), H5Sclose, s.final_path, what);
    const h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, s.final_path, what);
    if (rows > 0 && cols > 0) {
      // Chunks of whole rows (time steps), about 64 KiB each (the same rows as below).
      const hsize_t chunk_rows = std::clamp<hsize_t>(8192 / cols, 1, rows);
      const hsize_t chunk[2] = {chunk_rows, cols};
      h5::check(H5Pset_chunk(dcpl.get(), 2, chunk), s.final_path, what);
      if (s.compression_level > 0) {
        h5::check(H5Pset_shuffle(dcpl.get()), s.final_path, what);
        h5::check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(s.compression_level)), s.final_path, what);
      }
    }
    const h5::Handle dataset(H5Dcreate2(parent.get(), name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                             H5Dclose, s.final_path, what);
    if (rows > 0 && cols > 0 && s.compression_level == 0) {
      h5::check(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), s.final_path, what);
    } else if (rows > 0 && cols > 0) {
      // Whole rows per chunk, so a chunk is a contiguous run of the row-major values (the last
      // padded with zeros, as HDF5 stores edge chunks), encoded on several threads by the
      // chunk codec, as the tables' chunks are.
      const hsize_t chunk_rows = std::clamp<hsize_t>(8192 / cols, 1, rows);
      const std::size_t chunk_values = chunk_rows * cols;
      const std::size_t chunks = (rows + chunk_rows - 1) / chunk_rows;
      std::vector<double> last(chunk_values, 0.0);
      const std::size_t tail = values.size() - (chunks - 1) * chunk_values;
      std::copy(values.end() - static_cast<std::ptrdiff_t>(tail), values.end(), last.begin());
      std::vector<std::span<const unsigned char>> raw;
      for (std::size_t c = 0; c < chunks; ++c) {
        const double* data = c + 1 < chunks ? values.data() + c * chunk_values : last.data();
        raw.emplace_back(reinterpret_cast<const unsigned char*>(data), chunk_values * sizeof(double));
      }
      const auto encoded = shuffle_deflate_all(raw, sizeof(double), s.compression_level);
      for (std::size_t c = 0; c < chunks; ++c) {
        const hsize_t offset[2] = {c * chunk_rows, 0};
        h5::check(H5Dwrite_chunk(dataset.get(), H5P_DEFAULT, 0, offset, encoded[c].size(), encoded[c].data()), s.final_path,
                  what);
      }
    }
    h5::write_string_attribute(dataset.get(), path, kUnitsAttribute, unit, s.final_path);
    h5::write_string_attribute(dataset.get(), path, kDescriptionAttribute, description, s.final_path);
  } catch (const std::runtime_error&) {
    s.fail();
    throw;
  }
}

void ResultWriter::copy_result_set(const std::string& source, const std::string& group) {
  State& s = state("copy_result_set");
  const std::string what = "copy " + source + " into " + group;
  const hid_t source_id = H5Fopen(source.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (source_id < 0) h5::fail(s.final_path, "open " + source + " to copy it into " + group);
  const h5::Handle source_file(source_id, H5Fclose, s.final_path, "open " + source);
  // The root's links in creation order (as the source's writer made them).
  const h5::Handle root(H5Gopen2(source_file.get(), "/", H5P_DEFAULT), H5Gclose, s.final_path,
                        "open the root of " + source);
  const std::vector<std::string> names = h5::link_names(root.get(), source, s.final_path);
  // Objects without their attributes, then every object's attributes one by one
  // (h5::copy_attributes says why).
  const h5::Handle copy_properties(H5Pcreate(H5P_OBJECT_COPY), H5Pclose, s.final_path, what);
  h5::check(H5Pset_copy_object(copy_properties.get(), H5O_COPY_WITHOUT_ATTR_FLAG), s.final_path, what);
  try {
    const h5::Handle target = h5::open_or_create_group(s.file.get(), group, s.final_path);
    for (const auto& name : names) {
      h5::check(H5Ocopy(root.get(), name.c_str(), target.get(), name.c_str(), copy_properties.get(), H5P_DEFAULT),
                s.final_path, what + ": " + name);
    }
    struct Visit {
      hid_t target;
      const std::string* file;
      const std::string* source;
    } visit{target.get(), &s.final_path, &source};
    h5::check(H5Lvisit(
                  root.get(), H5_INDEX_NAME, H5_ITER_INC,
                  [](hid_t from_root, const char* name, const H5L_info_t*, void* data) -> herr_t {
                    const auto& v = *static_cast<Visit*>(data);
                    const std::string where = *v.source + ":/" + name;
                    const h5::Handle from(H5Oopen(from_root, name, H5P_DEFAULT), H5Oclose, *v.file, "open " + where);
                    const h5::Handle to(H5Oopen(v.target, name, H5P_DEFAULT), H5Oclose, *v.file,
                                        "open the copy of " + where);
                    h5::copy_attributes(from.get(), to.get(), where, *v.file);
                    return 0;
                  },
                  &visit),
              s.final_path, what);
  } catch (const std::runtime_error&) {
    s.fail();
    throw;
  }
}

ResultWriter::ColumnTable& ResultWriter::add_table(const std::string& group, std::vector<std::string> columns,
                                                   std::vector<std::string> units,
                                                   std::vector<std::string> descriptions) {
  State& s = state("add_table");
  if (columns.empty()) throw std::invalid_argument(s.final_path + ": table " + group + " has no columns");
  if (units.size() != columns.size() || descriptions.size() != columns.size()) {
    throw std::invalid_argument(s.final_path + ": table " + group + " has " + std::to_string(columns.size()) +
                                " columns but " + std::to_string(units.size()) + " units and " +
                                std::to_string(descriptions.size()) + " descriptions");
  }
  for (std::size_t c = 0; c < columns.size(); ++c) {
    require_description(s.final_path, join(group, columns[c]), descriptions[c]);
  }
  std::set<std::string> seen;
  for (const auto& name : columns) {
    if (name.empty() || name == "." || name.find('/') != std::string::npos) {
      throw std::invalid_argument(s.final_path + ": table " + group + ": invalid column name '" + name + "'");
    }
    if (!seen.insert(name).second) {
      throw std::invalid_argument(s.final_path + ": table " + group + ": column '" + name + "' appears twice");
    }
  }
  std::unique_ptr<ColumnTable> table;
  try {
    table.reset(new ColumnTable(s, group, std::move(columns), units, descriptions));
  } catch (const std::invalid_argument&) {
    throw;  // found before anything was created
  } catch (...) {
    s.fail();
    throw;
  }
  s.tables.push_back(std::move(table));
  return *s.tables.back();
}

void ResultWriter::append_job(const JobRow& row) {
  State& s = state("append_job");
  if (!s.with_jobs) throw std::logic_error("append_job: this result set has no /jobs (omit_jobs)");
  try {
    if (!s.jobs.valid()) s.create_jobs();
    if ((s.jobs_buffered + 1) * kJobRecordBytes > s.jobs_block.size()) {
      s.jobs_block.resize(s.jobs_block.size() + kJobChunkRows * kJobRecordBytes);  // a short run touches little memory
    }
    pack_job(row, &s.jobs_block[s.jobs_buffered * kJobRecordBytes]);
    if (++s.jobs_buffered == kJobBlockRows) s.flush_jobs(true);
  } catch (...) {
    s.fail();
    throw;
  }
}

void ResultWriter::omit_jobs() {
  State& s = state("omit_jobs");
  if (s.jobs.valid()) throw std::logic_error("omit_jobs: jobs were already written");
  s.with_jobs = false;
}

void ResultWriter::commit() {
  State& s = state("commit");
  try {
    if (s.with_jobs) {
      if (!s.jobs.valid()) s.create_jobs();
      s.flush_jobs(false);
      s.jobs.close(s.final_path, std::string("close ") + kJobsDataset);
      s.jobs_type.close(s.final_path, "close the /jobs row type");
    }
    for (auto& table : s.tables) table->close();
    s.file.close(s.final_path, "close temporary file " + s.temp_path);
    std::error_code error;
    std::filesystem::rename(s.temp_path, s.final_path, error);
    if (error)
      throw std::runtime_error(s.final_path + ": cannot rename " + s.temp_path + " onto it: " + error.message());
  } catch (...) {
    s.fail();
    throw;
  }
  s.finished = true;
}

}  // namespace wattsim::results
