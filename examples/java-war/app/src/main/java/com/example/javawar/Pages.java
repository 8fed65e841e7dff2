package com.example.javawar;

/** The application's responses as pure functions of its {@link Settings}, so they are unit-testable. */
public final class Pages {
  private Pages() {}

  /** The home page (HTML). Every value is escaped; the database password is never shown. */
  public static String home(Settings settings) {
    return "<!DOCTYPE html>\n"
        + "<html lang=\"en\">\n"
        + "<head><meta charset=\"utf-8\"><title>java-war</title></head>\n"
        + "<body>\n"
        + "<h1>" + escapeHtml(settings.greeting()) + "</h1>\n"
        + "<dl>\n"
        + "<dt>Environment</dt><dd id=\"environment\">" + escapeHtml(settings.environment()) + "</dd>\n"
        + "<dt>Build</dt><dd id=\"commit\">" + escapeHtml(settings.buildCommit()) + "</dd>\n"
        + "<dt>Pod</dt><dd id=\"pod\">" + escapeHtml(settings.podName()) + "</dd>\n"
        + "<dt>Database password</dt><dd id=\"db-password\">"
        + (settings.databasePasswordSet() ? "configured" : "not configured")
        + "</dd>\n"
        + "</dl>\n"
        + "</body>\n"
        + "</html>\n";
  }

  /**
   * The health document the readiness probe reads (JSON). It answers as soon as the servlet is
   * up: Tomcat only routes requests to a started web application, so a 200 means the WAR deployed.
   */
  public static String health(Settings settings) {
    return "{\"status\":\"UP\",\"environment\":" + jsonString(settings.environment())
        + ",\"commit\":" + jsonString(settings.buildCommit()) + "}";
  }

  /** Escapes the five HTML special characters. */
  public static String escapeHtml(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** A JSON string literal for {@code text}. */
  public static String jsonString(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
        }
      }
    }
    return out.append('"').toString();
  }
}
