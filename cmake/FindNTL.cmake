# FindNTL: Victor Shoup's Number Theory Library, which ships no CMake package.
# Defines NTL::ntl (linked with GMP and threads, as Debian's NTL is built).
find_path(NTL_INCLUDE_DIR NAMES NTL/ZZ.h)
find_library(NTL_LIBRARY NAMES ntl)

if(NTL_INCLUDE_DIR AND EXISTS "${NTL_INCLUDE_DIR}/NTL/version.h")
  file(STRINGS "${NTL_INCLUDE_DIR}/NTL/version.h" _ntl_version_line REGEX "#define NTL_VERSION +\"")
  string(REGEX REPLACE ".*NTL_VERSION +\"([0-9.]+)\".*" "\\1" NTL_VERSION "${_ntl_version_line}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(NTL
  REQUIRED_VARS NTL_LIBRARY NTL_INCLUDE_DIR
  VERSION_VAR NTL_VERSION)

if(NTL_FOUND AND NOT TARGET NTL::ntl)
  if(NOT TARGET GMP::gmp)
    find_package(GMP REQUIRED)
  endif()
  find_package(Threads REQUIRED)
  add_library(NTL::ntl UNKNOWN IMPORTED)
  set_target_properties(NTL::ntl PROPERTIES
    IMPORTED_LOCATION "${NTL_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${NTL_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "GMP::gmp;Threads::Threads")
endif()
mark_as_advanced(NTL_INCLUDE_DIR NTL_LIBRARY)
