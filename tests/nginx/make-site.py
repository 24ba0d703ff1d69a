#!/usr/bin/env python3
# Makes the content tests/system/nginx.sh serves: small text and binary files,
# a text file for gzip+chunked responses, an empty file and a large sparse file.
#
# Copyright 2026 the winhttp project authors
#
# This library is free software; you can redistribute it and/or
# modify it under the terms of the GNU Lesser General Public
# License as published by the Free Software Foundation; either
# version 2.1 of the License, or (at your option) any later version.
#
# This library is distributed in the hope that it will be useful,
# but WITHOUT ANY WARRANTY; without even the implied warranty of
# MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
# Lesser General Public License for more details.
#
# You should have received a copy of the GNU Lesser General Public
# License along with this library; if not, write to the Free Software
# Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA

"""Usage: make-site.py SITE BIG_MIB

The content is the same on every run (a fixed seed); big.bin is sparse (made
with truncate), so it costs no disk space. Nothing here is kept in git."""

import base64
import os
import random
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    site, big_mib = sys.argv[1], int(sys.argv[2])
    os.makedirs(site, exist_ok=True)
    rand = random.Random(20261124)

    def write(name, data):
        with open(os.path.join(site, name), "wb") as f:
            f.write(data)

    write("small.txt", "".join("line %02d: the quick brown fox jumps over the lazy dog\n" % i
                               for i in range(20)).encode())
    write("empty.txt", b"")
    # binary, not a multiple of any buffer size
    write("data.bin", rand.randbytes(300 * 1024 + 17))
    # about 1 MiB of text that compresses only so far: many gzip chunks
    write("text.txt", b"".join(base64.b64encode(rand.randbytes(57)) + b"\n" for _ in range(13600)))
    with open(os.path.join(site, "big.bin"), "wb") as f:
        f.truncate(big_mib << 20)


main()
