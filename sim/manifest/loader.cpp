// load_manifests / parse_manifests: files and folders, multi-document YAML,
// yaml-cpp exceptions turned into located errors at this boundary.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "ksim/sim/manifest/load.h"
#include "object_reader.h"

namespace ksim::manifest {
namespace {

namespace fs = std::filesystem;

bool is_manifest_file(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

void add_error(detail::LoadState& state, std::string file, int line, std::string message) {
  state.errors.push_back({std::move(file), line, "", "", std::move(message)});
}

void read_text(std::string_view text, const std::string& file, detail::LoadState& state) {
  const std::size_t first_error = state.errors.size();
  try {
    const std::vector<YAML::Node> docs = YAML::LoadAll(std::string(text));
    for (const YAML::Node& doc : docs) {
      if (!doc.IsDefined() || doc.IsNull()) continue;  // empty document, comments only
      const YAML::Mark mark = doc.Mark();
      detail::read_object(detail::Field(doc, "", mark.is_null() ? 0 : mark.line + 1, nullptr), file,
                          state);
    }
  } catch (const YAML::Exception& e) {
    // A syntax error: yaml-cpp reads a stream as a whole, so this file stops here.
    add_error(state, file, e.mark.is_null() ? 0 : e.mark.line + 1, "invalid YAML: " + e.msg);
  }
  // Within a file, errors are reported in line order (a field read late may sit early).
  std::stable_sort(state.errors.begin() + static_cast<std::ptrdiff_t>(first_error),
                   state.errors.end(),
                   [](const LoadError& a, const LoadError& b) { return a.line < b.line; });
}

void read_file(const fs::path& path, detail::LoadState& state) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    add_error(state, path.string(), 0, "cannot read the file");
    return;
  }
  std::ostringstream text;
  text << in.rdbuf();
  read_text(text.str(), path.string(), state);
}

void read_folder(const fs::path& dir, detail::LoadState& state) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec) && is_manifest_file(e.path())) files.push_back(e.path());
  }
  if (ec) {
    add_error(state, dir.string(), 0, "cannot list the folder: " + ec.message());
    return;
  }
  if (files.empty()) {
    add_error(state, dir.string(), 0, "no *.yaml, *.yml or *.json files in this folder");
    return;
  }
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  for (const fs::path& f : files) read_file(f, state);
}

LoadResult finish(detail::LoadState&& state) {
  if (!state.errors.empty()) return std::unexpected(std::move(state.errors));
  return std::move(state.set);
}

}  // namespace

LoadResult load_manifests(std::span<const std::filesystem::path> paths) {
  detail::LoadState state;
  for (const fs::path& p : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(p, ec);
    if (fs::is_directory(st)) {
      read_folder(p, state);
    } else if (fs::exists(st)) {
      read_file(p, state);
    } else {
      add_error(state, p.string(), 0, "no such file or folder");
    }
  }
  return finish(std::move(state));
}

LoadResult parse_manifests(std::string_view text, std::string_view file_name) {
  detail::LoadState state;
  read_text(text, std::string(file_name), state);
  return finish(std::move(state));
}

}  // namespace ksim::manifest
