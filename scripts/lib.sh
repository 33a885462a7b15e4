# Shared by scripts/serve and scripts/test: installs whatever is missing on a
# fresh Debian machine, pinned to the versions the project was built with.
# Every install is skipped when the right version is already there, so
# second runs are fast.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
# Builds the mdBook example chapter the end-to-end tests open.
MDBOOK_VERSION="0.5.4"
# The one place the tool versions live is Trunk.toml; read them from there.
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm_bindgen *= *"\(.*\)"/\1/p' "$ROOT/Trunk.toml")"
WASM_OPT_VERSION="$(sed -n 's/^wasm_opt *= *"version_\(.*\)"/\1/p' "$ROOT/Trunk.toml")"

export PATH="$HOME/.cargo/bin:$ROOT/e2e/node_modules/.bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_rust_targets() {
    command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first" >&2; return 1; }
    local installed
    installed="$(rustup target list --installed)"
    for t in wasm32-unknown-unknown wasm32v1-none; do
        grep -qx "$t" <<<"$installed" || { say "adding Rust target $t"; rustup target add "$t"; }
    done
    rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
    rustup component list --installed | grep -q '^clippy' || rustup component add clippy
}

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
check_wasm_bindgen_pin() {
    local locked
    locked="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')"
    if [ "$locked" != "$WASM_BINDGEN_VERSION" ]; then
        echo "Cargo.lock has wasm-bindgen $locked but Trunk.toml pins $WASM_BINDGEN_VERSION: make them equal" >&2
        return 1
    fi
}

ensure_web_tools() {
    ensure_rust_targets
    check_wasm_bindgen_pin
    if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
        say "installing trunk $TRUNK_VERSION (takes a few minutes once)"
        cargo install --locked trunk --version "$TRUNK_VERSION"
    fi
    if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
        say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
        # Not --locked: one of its locked dependencies is yanked.
        cargo install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
    fi
    ensure_node_packages
    if ! wasm-opt --version 2>/dev/null | grep -q "version $WASM_OPT_VERSION"; then
        echo "wasm-opt $WASM_OPT_VERSION not found after npm install (e2e/package.json pins binaryen)" >&2
        return 1
    fi
}

ensure_node_packages() {
    command -v npm >/dev/null || apt_install nodejs npm
    local stamp="$ROOT/e2e/node_modules/.package-lock.json"
    if [ ! -f "$stamp" ] || [ "$ROOT/e2e/package-lock.json" -nt "$stamp" ]; then
        say "installing npm packages (binaryen for wasm-opt, playwright-core)"
        (cd "$ROOT/e2e" && npm ci --no-audit --no-fund --loglevel=error)
    fi
}

ensure_mdbook() {
    if [ "$(mdbook --version 2>/dev/null)" != "mdbook v$MDBOOK_VERSION" ]; then
        say "installing mdbook $MDBOOK_VERSION (for the examples; a minute or two once)"
        # Without serve/watch/search: the examples only need `mdbook build`.
        cargo install --locked mdbook --version "$MDBOOK_VERSION" --no-default-features
    fi
}

ensure_browser() {
    apt_install chromium chromium-driver
}

build_release() {
    say "trunk build --release"
    (cd "$ROOT" && trunk build --release)
}
