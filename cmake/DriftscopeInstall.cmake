include(CMakePackageConfigHelpers)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/driftscope" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(TARGETS driftscope driftscope_kernels EXPORT driftscopeTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
set(DRIFTSCOPE_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/driftscope")
install(EXPORT driftscopeTargets NAMESPACE driftscope:: DESTINATION "${DRIFTSCOPE_CMAKE_DIR}")
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/driftscopeConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/driftscopeConfig.cmake" INSTALL_DESTINATION "${DRIFTSCOPE_CMAKE_DIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/driftscopeConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/driftscopeConfig.cmake" "${PROJECT_BINARY_DIR}/driftscopeConfigVersion.cmake"
  DESTINATION "${DRIFTSCOPE_CMAKE_DIR}")
