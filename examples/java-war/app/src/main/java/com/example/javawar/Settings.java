package com.example.javawar;

import java.util.Map;
import java.util.Objects;

/**
 * What the application knows about where it runs. Kubernetes passes it as environment variables:
 * kubeship fills them from SSM Parameter Store (String parameters through a ConfigMap, SecureStrings
 * through a Secret) and from the pod itself.
 *
 * @param environment   the deployment environment (dev, uat, prod), or "local"
 * @param greeting      the greeting the home page shows
 * @param databasePasswordSet whether a database password was provided; the value itself is never kept here
 * @param podName       the pod serving the request, or the host name
 * @param buildCommit   the git commit the WAR was built from (from the WAR's manifest)
 */
public record Settings(
    String environment, String greeting, boolean databasePasswordSet, String podName, String buildCommit) {

  /** Environment variable names the application reads. */
  public static final String ENVIRONMENT = "APP_ENV";
  public static final String GREETING = "GREETING";
  public static final String DATABASE_PASSWORD = "DB_PASSWORD";
  public static final String POD_NAME = "POD_NAME";

  public Settings {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(greeting, "greeting");
    Objects.requireNonNull(podName, "podName");
    Objects.requireNonNull(buildCommit, "buildCommit");
  }

  /**
   * Reads the settings from environment variables, with defaults for a local run.
   *
   * @param env         the environment (System.getenv() in production, a map in tests)
   * @param buildCommit the commit from the WAR's manifest, or null when unknown
   */
  public static Settings from(Map<String, String> env, String buildCommit) {
    return new Settings(
        valueOr(env.get(ENVIRONMENT), "local"),
        valueOr(env.get(GREETING), "Hello from Tomcat"),
        !valueOr(env.get(DATABASE_PASSWORD), "").isEmpty(),
        valueOr(env.get(POD_NAME), valueOr(env.get("HOSTNAME"), "unknown")),
        valueOr(buildCommit, "unknown"));
  }

  private static String valueOr(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.strip();
  }
}
