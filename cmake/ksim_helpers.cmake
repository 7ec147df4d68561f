# ksim_library(NAME <target> SOURCES ... DEPS ...)
# One library per folder; public headers live under <folder>/include/ksim/<folder>/.
function(ksim_library)
  cmake_parse_arguments(K "" "NAME;INCLUDE" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${K_NAME} STATIC ${K_SOURCES})
  target_include_directories(${K_NAME} PUBLIC ${K_INCLUDE})
  target_link_libraries(${K_NAME} PUBLIC ${K_DEPS} PRIVATE ksim_warnings ${K_PRIVATE_DEPS})
endfunction()

# ksim_test(<name> SOURCES ... DEPS ... [SUITE <ctest name>] [INTERNAL <dir>...])
# A GoogleTest binary registered with ctest, test by test. SUITE registers the
# whole binary once more under a name `ctest -R <suite>` selects (GoogleTest
# names do not carry the folder). INTERNAL adds private include directories for
# tests of a library's internal headers. KSIM_SOURCE_DIR lets tests read the
# seed scenarios and data files from the source tree.
function(ksim_test name)
  cmake_parse_arguments(K "" "SUITE" "SOURCES;DEPS;INTERNAL" ${ARGN})
  add_executable(${name} ${K_SOURCES})
  target_link_libraries(${name} PRIVATE ${K_DEPS} GTest::gtest_main GTest::gmock ksim_warnings)
  target_include_directories(${name} PRIVATE ${K_INTERNAL})
  target_compile_definitions(${name} PRIVATE KSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
  if(K_SUITE)
    add_test(NAME ${K_SUITE} COMMAND ${name})
  endif()
endfunction()
