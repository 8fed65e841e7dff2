package com.example.javawar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PagesTest {
  private static final Settings DEV = new Settings("dev", "Hello <dev> & \"friends\"", true, "pod-1", "3f9c2ab");

  @Test
  void homePageShowsTheSettingsEscaped() {
    String page = Pages.home(DEV);
    assertTrue(page.contains("<h1>Hello &lt;dev&gt; &amp; &quot;friends&quot;</h1>"), page);
    assertTrue(page.contains("<dd id=\"environment\">dev</dd>"), page);
    assertTrue(page.contains("<dd id=\"commit\">3f9c2ab</dd>"), page);
    assertTrue(page.contains("<dd id=\"db-password\">configured</dd>"), page);
  }

  @Test
  void homePageNeverShowsThePassword() {
    Settings settings = Settings.from(Map.of("DB_PASSWORD", "hunter2-very-secret"), "abc");
    assertFalse(Pages.home(settings).contains("hunter2"));
    assertFalse(Pages.health(settings).contains("hunter2"));
  }

  @Test
  void healthIsJson() {
    assertEquals("{\"status\":\"UP\",\"environment\":\"dev\",\"commit\":\"3f9c2ab\"}", Pages.health(DEV));
  }

  @Test
  void jsonStringsAreEscaped() {
    assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", Pages.jsonString("a\"b\\c\nd\u0001"));
  }

  @Test
  void htmlEscapesAllFiveCharacters() {
    assertEquals("&lt;a href=&quot;x&quot;&gt;&#39;&amp;", Pages.escapeHtml("<a href=\"x\">'&"));
  }
}
