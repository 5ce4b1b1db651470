# scripts/deps.sh — sourced by scripts/test and scripts/demo: makes sure the
# Debian packages privfin builds with are installed. As root it installs what
# is missing (apt-get update, then apt-get install -y); otherwise it prints
# the exact command to run and fails.

privfin_packages=(
  build-essential cmake ninja-build pkg-config openssl
  libgmp-dev libntl-dev libssl-dev libeigen3-dev catch2 libbenchmark-dev
  libasio-dev nlohmann-json3-dev libsodium-dev libcli11-dev librocksdb-dev libcpp-httplib-dev
  # privfin-node's allocator (tools/CMakeLists.txt, docs/performance.md).
  libgoogle-perftools-dev
  # Fashion-MNIST for LeNet-5 (docs/ml.md): the [.slow] test and benchmarks/ml_models.
  dataset-fashion-mnist
  # Fair's affairs survey (statsmodels' datasets/fair/fair.csv): the real
  # tabular set of the logistic-regression test (docs/ml.md).
  python3-statsmodels
)

privfin_ensure_packages() {
  local missing=()
  local pkg
  for pkg in "${privfin_packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "privfin needs these Debian packages: ${missing[*]}" >&2
    echo "Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  echo "== installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
}
