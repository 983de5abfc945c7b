# Installs what selfassemble needs and is missing: the HDF5 and OpenBLAS C libraries
# (Debian's libhdf5-dev, libopenblas-dev), pkg-config and zlib. Sourced by scripts/run and
# scripts/test. Needs root (or sudo) only when something is missing.
set -euo pipefail

selfassemble_missing_packages() {
    local missing=()
    for package in libhdf5-dev libopenblas-dev zlib1g-dev pkg-config; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    echo "${missing[@]:-}"
}

selfassemble_install_dependencies() {
    local missing
    missing=$(selfassemble_missing_packages)
    if [[ -n "$missing" ]]; then
        echo "selfassemble: installing $missing" >&2
        local sudo=""
        if [[ $(id -u) -ne 0 ]]; then
            command -v sudo >/dev/null || { echo "selfassemble: error: need root to install $missing (run as root, or install them yourself)" >&2; exit 1; }
            sudo="sudo"
        fi
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
    fi
    command -v swift >/dev/null || { echo "selfassemble: error: swift is not on PATH; install Swift 6.1 or newer (swift.org)" >&2; exit 1; }
}
