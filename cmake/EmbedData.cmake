# Embeds every file under ROOT (zoo networks, architecture presets, default experiments) into the
# binary, so `coda` works from any directory without installing data files. The generated source
# defines coda::io::detail::embedded_files(): a table of {relative path, contents}.
function(coda_embed_data)
  cmake_parse_arguments(ARG "" "OUTPUT;ROOT" "" ${ARGN})
  file(GLOB_RECURSE _files CONFIGURE_DEPENDS RELATIVE ${ARG_ROOT} ${ARG_ROOT}/*)
  list(SORT _files)
  set(_abs "")
  foreach(_f IN LISTS _files)
    list(APPEND _abs ${ARG_ROOT}/${_f})
  endforeach()
  add_custom_command(
    OUTPUT ${ARG_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DROOT=${ARG_ROOT} -DOUTPUT=${ARG_OUTPUT} "-DFILES=${_files}"
            -P ${CMAKE_SOURCE_DIR}/cmake/EmbedDataScript.cmake
    DEPENDS ${_abs} ${CMAKE_SOURCE_DIR}/cmake/EmbedDataScript.cmake
    COMMENT "Embedding data files into coda"
    VERBATIM)
  set(CODA_EMBEDDED_SOURCE ${ARG_OUTPUT} PARENT_SCOPE)
endfunction()
