# Turns the built launch stub into a C array (cmake -DIN=binary -DOUT=header -P embed_stub.cmake), so the
# compiler, and ccache, see the stub's bytes in the source that embeds them.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "// Generated from stub.c by embed_stub.cmake; do not edit.\nstatic const unsigned char kLaunchStub[] = {${bytes}};\n")
