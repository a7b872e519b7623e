#!/usr/bin/env bash
# Gathers the real sample data and external tools the tests use, from Debian's packages, into .testdata/.
# Idempotent; needs root (apt-get) the first time. Tests never skip: a missing file is a set-up error.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$root/.testdata"
mkdir -p "$data"

# Tools the tests call (dcmtk makes DICOM files in every transfer syntax; dicom3tools validates them; dcm2niix is the
# independent DICOM-to-NIfTI converter the CLI's conversions are compared with;
# GDCM's C# binding decodes JPEG/JPEG-LS/JPEG 2000 and gdcmconv writes the JPEG 2000 test files; OpenBLAS is the optional GEMM backend the tensor tests
# compare against; libdeflate is the optional gzip inflater of .nii.gz, tested against the managed one) and the sample data packages.
packages=(dcmtk dicom3tools libgdcm-cil libgdcm-tools dcm2niix mricron-data insighttoolkit5-examples libopenblas0-pthread libdeflate0)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Packages whose data we want without their (large) dependencies: download and unpack only.
extract() { # package, folder inside the package, destination name
  local pkg=$1 inner=$2 dest=$3
  [ -e "$data/$dest" ] && return 0
  local tmp; tmp=$(mktemp -d); chmod 755 "$tmp"
  (cd "$tmp" && apt-get download -qq "$pkg" >/dev/null && dpkg -x ./*.deb x)
  cp -r "$tmp/x/$inner" "$data/$dest.tmp" && mv "$data/$dest.tmp" "$data/$dest"
  rm -rf "$tmp"
}
extract python3-skimage usr/lib/python3/dist-packages/skimage/data skimage
extract python3-nibabel usr/lib/python3/dist-packages/nibabel/tests/data nibabel

link() { [ -e "$data/$2" ] || ln -s "$1" "$data/$2"; }
link /usr/share/mricron/templates mricron
link /usr/share/doc/insighttoolkit5-examples/examples/Data itk
echo "test data ready in .testdata/"
