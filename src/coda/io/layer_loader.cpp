#include "coda/io/layer_loader.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "coda/common/error.hpp"
#include "coda/io/network_loader.hpp"
#include "coda/workload/network.hpp"

namespace coda::io {

LoadedLayer load_layer(const std::string& spec, int64_t batch) {
  std::string net = spec, layer;
  if (!std::filesystem::exists(spec)) {
    auto colon = spec.rfind(':');
    if (colon != std::string::npos) {
      net = spec.substr(0, colon);
      layer = spec.substr(colon + 1);
    }
  }
  auto ns = load_network_spec(net);
  auto network = workload::build_network(ns, batch > 0 ? batch : ns.batch);
  std::string with_work;
  int only = -1, count = 0;
  for (int i = 0; i < int(network.layers.size()); ++i) {
    const auto& l = network.layers[size_t(i)];
    if (!l.problem || l.problem->op != workload::Op::Mac) continue;
    with_work += (with_work.empty() ? "" : ", ") + l.spec.name;
    only = i;
    ++count;
  }
  int idx = -1;
  if (layer.empty()) {
    if (count != 1)
      throw InputError(fmt::format("'{}' has {} MAC layers; name one as {}:<layer> (layers: {})", net, count,
                                   net, with_work));
    idx = only;
  } else {
    idx = network.find(layer);
    if (idx < 0)
      throw InputError(fmt::format("network '{}' has no layer '{}' (MAC layers: {})", net, layer, with_work));
    if (!network.layers[size_t(idx)].problem)
      throw InputError(
          fmt::format("layer '{}' of '{}' moves data only (no operations to map); MAC layers: {}", layer, net,
                      with_work));
  }
  const auto& l = network.layers[size_t(idx)];
  return LoadedLayer{ns.name, l.spec.name, *l.problem};
}

}  // namespace coda::io
