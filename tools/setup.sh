#!/usr/bin/env bash
# tools/setup.sh — install what the seven runtimes' tests need, where missing.
#
#   node/npm   nodejs (+ `npm ci` at the repo root)
#   go         golang-go
#   ruby       ruby-full, bundler (Debian's `bundler` = /usr/bin/bundle, pulls ruby-bundler)
#   java       JDK + maven + Debian's offline Maven plugin repo (/usr/share/maven-repo)
#              + libgoogle-gson-java (com.google.code.gson:gson in /usr/share/maven-repo)
#   dotnet     the .NET SDK (must already be on the machine; Debian does not ship it)
#   pwsh       PowerShell as a .NET global tool (~/.dotnet/tools/pwsh)
#   python     python3 + pip + setuptools + wheel, usable offline
#              (wheel comes from Debian's python3-wheel-whl: /usr/share/python-wheels;
#              setuptools, if missing, from the interpreter's own ensurepip wheels —
#              NOT Debian's setuptools whl, which is patched for Debian's python
#              and fails on pyenv's: "AttributeError: install_layout")
#   benches    zip, unzip
#
# Idempotent: only what is missing is installed; `apt-get update` runs only when
# something must be installed. A second run on a ready machine takes seconds.
#
# When not root and sudo is unavailable, or NX_LAMBDA_SETUP_NO_INSTALL=1 is set,
# nothing is installed: the script prints what is missing and the command to get
# it, then exits 1.
#
# Prints a version table at the end.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

PWSH_VERSION="7.6.9"
DOTNET_TOOLS_DIR="$HOME/.dotnet/tools"
PYTHON_WHEELS_DIR="/usr/share/python-wheels"

export DEBIAN_FRONTEND=noninteractive
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

# Later steps (and the version table) must find pwsh even on a fresh shell.
ORIG_PATH="$PATH"
case ":$PATH:" in *":$DOTNET_TOOLS_DIR:"*) ;; *) PATH="$PATH:$DOTNET_TOOLS_DIR" ;; esac
export PATH

log()  { printf '[setup] %s\n' "$*"; }
warn() { printf '[setup] WARNING: %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------- privileges
SUDO=""
CAN_INSTALL=1
NO_INSTALL_REASON=""
if [[ "${NX_LAMBDA_SETUP_NO_INSTALL:-0}" == "1" ]]; then
  CAN_INSTALL=0
  NO_INSTALL_REASON="NX_LAMBDA_SETUP_NO_INSTALL=1 is set"
elif [[ "$(id -u)" -eq 0 ]]; then
  SUDO=""
elif have sudo && sudo -n true 2>/dev/null; then
  SUDO="sudo"
else
  CAN_INSTALL=0
  NO_INSTALL_REASON="not root and passwordless sudo is not available"
fi
# How to phrase root commands in messages.
if [[ "$(id -u)" -eq 0 ]]; then ROOT_CMD=""; else ROOT_CMD="sudo "; fi

# ---------------------------------------------------------------- Debian packages
APT_PACKAGES=(
  golang-go
  ruby-full
  bundler
  maven
  libmaven-compiler-plugin-java
  libmaven-jar-plugin-java
  libmaven-resources-plugin-java
  libmaven-dependency-plugin-java
  libmaven-install-plugin-java
  libsurefire-java
  libgoogle-gson-java
  zip
  unzip
  python3-wheel-whl
  gcc-aarch64-linux-gnu   # python tests: a real aarch64 .so in a test wheel
  clang zlib1g-dev        # dotnet tests: Native AOT links bootstrap with clang and zlib
)

# Tools that some other source may already provide (e.g. NodeSource's nodejs,
# an OpenJDK other than default-jdk): only ask Debian when the command is absent.
have node  || APT_PACKAGES+=(nodejs)
have npm   || APT_PACKAGES+=(npm)
{ have java && have javac; } || APT_PACKAGES+=(default-jdk-headless)
have python3 || APT_PACKAGES+=(python3 python3-pip)

pkg_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == "installed" ]]
}

MISSING_APT=()
if have dpkg-query; then
  for p in "${APT_PACKAGES[@]}"; do
    pkg_installed "$p" || MISSING_APT+=("$p")
  done
else
  warn "dpkg-query not found: not a Debian-like system, Debian packages are not checked"
fi

# ---------------------------------------------------------------- other checks
# python: pip + setuptools + wheel importable by the python3 on PATH (pyenv's on
# our machines). The interpreter is resolved once: each call through a pyenv shim
# costs ~0.3 s.
PY=""
PY_PREFIX=""
PY_MISSING=()
resolve_python() {
  PY=""
  have python3 || return 0
  PY="$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || true)"
  [[ -n "$PY" ]] || PY="$(command -v python3)"
}
check_python() {
  PY_MISSING=()
  PY_PREFIX=""
  [[ -n "$PY" ]] || { PY_MISSING=(python3); return 0; }
  local out
  out="$("$PY" - <<'PYEOF' 2>/dev/null || true
import sys, importlib.util
print(sys.prefix)
for m in ("pip", "setuptools", "wheel"):
    if importlib.util.find_spec(m) is None:
        print(m)
PYEOF
)"
  if [[ -z "$out" ]]; then PY_MISSING=(python3); return 0; fi
  PY_PREFIX="$(sed -n 1p <<<"$out")"
  local m
  while read -r m; do [[ -n "$m" ]] && PY_MISSING+=("$m"); done < <(sed -n '2,$p' <<<"$out")
  return 0
}
python_is_debian() {
  # Debian's own interpreter: modules come from apt (PEP 668 blocks pip installs).
  [[ "$PY_PREFIX" == "/usr" ]]
}
resolve_python
check_python
if ((${#PY_MISSING[@]})) && python_is_debian; then
  # Debian's python3: fix through apt rather than pip.
  for m in "${PY_MISSING[@]}"; do
    case "$m" in
      pip) pkg_installed python3-pip || MISSING_APT+=(python3-pip) ;;
      setuptools) pkg_installed python3-setuptools || MISSING_APT+=(python3-setuptools) ;;
      wheel) pkg_installed python3-wheel || MISSING_APT+=(python3-wheel) ;;
    esac
  done
fi

pwsh_ok() {
  if have pwsh && pwsh -v >/dev/null 2>&1; then return 0; fi
  [[ -x "$DOTNET_TOOLS_DIR/pwsh" ]] && "$DOTNET_TOOLS_DIR/pwsh" -v >/dev/null 2>&1
}
NEED_PWSH=0
pwsh_ok || NEED_PWSH=1

NEED_NPM_CI=0
if [[ ! -f "$REPO_ROOT/package-lock.json" ]]; then
  log "package-lock.json not found at $REPO_ROOT: skipping 'npm ci' (run 'npm install' there once to create it)"
elif [[ ! -d "$REPO_ROOT/node_modules" || ! -e "$REPO_ROOT/node_modules/.package-lock.json" \
        || "$REPO_ROOT/package-lock.json" -nt "$REPO_ROOT/node_modules/.package-lock.json" ]]; then
  NEED_NPM_CI=1
fi

# ---------------------------------------------------------------- report-only mode
if [[ "$CAN_INSTALL" == "0" ]]; then
  missing=0
  if ((${#MISSING_APT[@]})); then
    missing=1
    log "MISSING Debian packages: ${MISSING_APT[*]}"
    log "  get them with: ${ROOT_CMD}apt-get update && ${ROOT_CMD}apt-get install -y --no-install-recommends ${MISSING_APT[*]}"
  fi
  if ! have dotnet; then
    missing=1
    log "MISSING: dotnet (the .NET SDK; Debian does not package it — install the .NET 10 SDK)"
  fi
  if [[ "$NEED_PWSH" == "1" ]]; then
    missing=1
    log "MISSING: pwsh"
    log "  get it with: dotnet tool install --global PowerShell --version $PWSH_VERSION"
    log "  then add to PATH: export PATH=\"\$PATH:\$HOME/.dotnet/tools\""
  fi
  if ((${#PY_MISSING[@]})) && ! python_is_debian; then
    missing=1
    log "MISSING for ${PY:-python3}: ${PY_MISSING[*]}"
    for m in "${PY_MISSING[@]}"; do
      case "$m" in
        python3) ;;
        pip) log "  get it with: python3 -m ensurepip --upgrade" ;;
        setuptools) log "  get it with: python3 -m pip install --no-index --find-links \"\$(python3 -c 'import ensurepip,os; print(os.path.dirname(ensurepip.__file__))')/_bundled\" setuptools" ;;
        wheel) log "  get it with: python3 -m pip install --no-index --find-links $PYTHON_WHEELS_DIR wheel   (needs Debian's python3-wheel-whl)" ;;
      esac
    done
  fi
  if [[ "$NEED_NPM_CI" == "1" ]]; then
    missing=1
    log "MISSING: node_modules at $REPO_ROOT is absent or older than package-lock.json"
    log "  get it with: (cd \"$REPO_ROOT\" && npm ci)"
  fi
  if [[ "$missing" == "1" ]]; then
    log "not installing anything: $NO_INSTALL_REASON"
    exit 1
  fi
  log "nothing missing ($NO_INSTALL_REASON, so nothing would have been installed anyway)"
fi

# ---------------------------------------------------------------- install
if [[ "$CAN_INSTALL" == "1" ]]; then
  if ((${#MISSING_APT[@]})); then
    log "installing Debian packages: ${MISSING_APT[*]}"
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
    $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${MISSING_APT[@]}"
    hash -r
  fi

  DID_INSTALL=0
  if ((${#MISSING_APT[@]})); then DID_INSTALL=1; resolve_python; check_python; fi
  if ((${#PY_MISSING[@]})) && [[ -n "$PY" ]] && ! python_is_debian; then
    DID_INSTALL=1
    for m in "${PY_MISSING[@]}"; do
      case "$m" in
        pip)
          log "installing pip with ensurepip"
          "$PY" -m ensurepip --upgrade ;;
        setuptools)
          # Offline: PyPI is not reachable; the interpreter bundles a setuptools wheel.
          bundled="$("$PY" -c 'import ensurepip, os; print(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled"))')"
          log "installing python setuptools from $bundled (offline)"
          "$PY" -m pip install -q --no-index --find-links "$bundled" setuptools ;;
        wheel)
          # Offline: PyPI is not reachable; Debian ships wheel as a .whl (python3-wheel-whl).
          log "installing python wheel from $PYTHON_WHEELS_DIR (offline)"
          "$PY" -m pip install -q --no-index --find-links "$PYTHON_WHEELS_DIR" wheel ;;
      esac
    done
    if have pyenv; then pyenv rehash >/dev/null 2>&1 || true; fi
  fi

  if [[ "$NEED_PWSH" == "1" ]]; then
    DID_INSTALL=1
    if ! have dotnet; then
      warn "dotnet is not installed: cannot install PowerShell (install the .NET 10 SDK first)"
    else
      # A tool entry whose pwsh does not run is removed first so the install is clean.
      if dotnet tool list --global 2>/dev/null | awk 'NR>2 {print tolower($1)}' | grep -qx powershell; then
        log "removing a PowerShell global tool that does not run"
        dotnet tool uninstall --global PowerShell >/dev/null
      fi
      log "installing PowerShell $PWSH_VERSION as a .NET global tool"
      dotnet tool install --global PowerShell --version "$PWSH_VERSION"
    fi
  fi

  if [[ "$NEED_NPM_CI" == "1" ]]; then
    log "running npm ci in $REPO_ROOT"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund)
    # Mark node_modules as current even if npm ci left the hidden lockfile's mtime alone.
    if [[ -e "$REPO_ROOT/node_modules/.package-lock.json" ]]; then
      touch "$REPO_ROOT/node_modules/.package-lock.json"
    fi
  fi
fi

# ---------------------------------------------------------------- versions
first_line() { "$@" 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' -n -e '1p'; }
ver() {
  local name="$1"; shift
  local out
  if ! have "$1" && [[ ! -x "$1" ]]; then out="MISSING"; else out="$(first_line "$@" || true)"; fi
  printf '  %-8s %s\n' "$name" "${out:-MISSING}"
}
PWSH_BIN="pwsh"
have pwsh || PWSH_BIN="$DOTNET_TOOLS_DIR/pwsh"

echo
log "versions:"
ver node    node --version
ver npm     npm --version
ver go      go version
ver ruby    ruby --version
ver bundler bundle --version
ver mvn     mvn --version
ver java    java -version
ver javac   javac -version
ver dotnet  dotnet --version
ver pwsh    "$PWSH_BIN" -v
ver python3 "${PY:-python3}" --version
ver pip     "${PY:-python3}" -m pip --version
if [[ -n "$PY" ]]; then
  printf '  %-8s %s\n' "py-mods" "$("$PY" -c 'import setuptools, wheel; print("setuptools", setuptools.__version__, "wheel", wheel.__version__)' 2>&1 | tail -n1)"
fi

# pwsh lives in ~/.dotnet/tools, which a fresh shell may not have on PATH.
if [[ -x "$DOTNET_TOOLS_DIR/pwsh" ]]; then
  echo
  case ":$ORIG_PATH:" in
    *":$DOTNET_TOOLS_DIR:"*) log "pwsh is at $DOTNET_TOOLS_DIR/pwsh (already on PATH)" ;;
    *) log "pwsh is at $DOTNET_TOOLS_DIR/pwsh; to find it on PATH add:"
       echo "  export PATH=\"\$PATH:\$HOME/.dotnet/tools\"" ;;
  esac
fi

# ---------------------------------------------------------------- final check
still=()
if [[ "${DID_INSTALL:-0}" == "1" ]]; then
  for p in "${APT_PACKAGES[@]}"; do
    have dpkg-query || break
    pkg_installed "$p" || still+=("$p")
  done
  pwsh_ok || still+=(pwsh)
  check_python
else
  ((NEED_PWSH == 0)) || still+=(pwsh)
fi
have dotnet || still+=(dotnet)
if ((${#PY_MISSING[@]})); then still+=("${PY_MISSING[@]/#/python:}"); fi
if ((${#still[@]})); then
  warn "still missing: ${still[*]}"
  exit 1
fi
log "all toolchains present"
