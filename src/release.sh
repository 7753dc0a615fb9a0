#!/bin/sh
# release.sh: stage a self-contained release tree and tarball from a build
# made with an $ORIGIN rpath: the binary, the shared libraries it links that
# are not part of glibc (cJSON, ncurses), the man page, the rules and the
# shell completions, plus sha256sum.txt over the tarball.
#   sh src/release.sh BUILD_DIR VERSION
# libcurl is not bundled: it is loaded at run time, only by the commands that
# use the network, from the system (Debian's libcurl4).
set -eu
build=$1
version=$2
name=gemini-doctor-$version-linux-$(uname -m)
stage=$build/stage/$name
rm -rf "$build/stage"
mkdir -p "$stage/bin" "$stage/lib" "$stage/share/man/man1" "$stage/share/gemini-doctor/rules" \
    "$stage/share/completions"
cp "$build/gemini-doctor" "$stage/bin/"
ldd "$build/gemini-doctor" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' |
    while read -r soname path; do
        case $soname in
        libc.so.* | libm.so.* | libdl.so.* | libpthread.so.* | librt.so.* | ld-linux*) ;;
        *) cp -L "$path" "$stage/lib/$soname" ;;
        esac
    done
cp docs/gemini-doctor.1 "$stage/share/man/man1/"
cp rules/*.json "$stage/share/gemini-doctor/rules/"
cp "$build/completions/gemini-doctor" "$build/completions/_gemini-doctor" \
    "$build/completions/gemini-doctor.fish" "$stage/share/completions/"
cp LICENSE "$stage/"
tar -C "$build/stage" -czf "$build/$name.tar.gz" "$name"
(cd "$build" && sha256sum "$name.tar.gz" > sha256sum.txt)
echo "$build/$name.tar.gz"
