package com.example.javawar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void readsTheEnvironmentKubeshipProvides() {
    Settings settings =
        Settings.from(
            Map.of(
                "APP_ENV", "uat",
                "GREETING", " Hello UAT ",
                "DB_PASSWORD", "s3cr3t",
                "POD_NAME", "java-war-7d9f-abcde"),
            "3f9c2ab");
    assertEquals(new Settings("uat", "Hello UAT", true, "java-war-7d9f-abcde", "3f9c2ab"), settings);
  }

  @Test
  void fallsBackToLocalDefaults() {
    Settings settings = Settings.from(Map.of("HOSTNAME", "laptop", "DB_PASSWORD", "  "), null);
    assertEquals("local", settings.environment());
    assertEquals("Hello from Tomcat", settings.greeting());
    assertFalse(settings.databasePasswordSet());
    assertEquals("laptop", settings.podName());
    assertEquals("unknown", settings.buildCommit());
  }

  @Test
  void neverKeepsThePasswordItself() {
    Settings settings = Settings.from(Map.of("DB_PASSWORD", "s3cr3t-value"), "abc");
    assertTrue(settings.databasePasswordSet());
    assertFalse(settings.toString().contains("s3cr3t-value"));
  }
}
