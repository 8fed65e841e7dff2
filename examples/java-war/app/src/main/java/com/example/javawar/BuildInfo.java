package com.example.javawar;

import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.jar.Manifest;

/** The git commit the WAR was built from, as the build wrote it into META-INF/MANIFEST.MF. */
final class BuildInfo {
  static final String COMMIT_ATTRIBUTE = "Build-Commit";

  private BuildInfo() {}

  /** The commit, or null when the manifest does not name one (an IDE run). */
  static String commit(ServletContext context) {
    try (InputStream in = context.getResourceAsStream("/META-INF/MANIFEST.MF")) {
      if (in == null) return null;
      return new Manifest(in).getMainAttributes().getValue(COMMIT_ATTRIBUTE);
    } catch (IOException e) {
      return null;
    }
  }
}
