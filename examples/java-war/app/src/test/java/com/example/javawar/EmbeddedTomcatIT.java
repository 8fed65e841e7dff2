package com.example.javawar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deploys the packaged WAR file (not the classes directory) as the root application of a real,
 * embedded Tomcat 10.1 on a free port, as the image's Tomcat will, and talks HTTP to it.
 */
class EmbeddedTomcatIT {
  private static Tomcat tomcat;
  private static Context context;
  private static URI base;
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void startTomcat() throws Exception {
    String war = System.getProperty("war.file");
    assertTrue(war != null && new File(war).isFile(), "the packaged WAR (war.file=" + war + ")");
    Path baseDir = Files.createTempDirectory("tomcat-it");
    tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    tomcat.setPort(0);
    tomcat.getConnector();
    Path appBase = Files.createDirectories(baseDir.resolve("webapps"));
    tomcat.getHost().setAppBase(appBase.toString());
    // As the image's server.xml: the WAR runs unpacked in place (the root filesystem is read-only).
    ((StandardHost) tomcat.getHost()).setUnpackWARs(false);
    // Tomcat's default web.xml maps JSPs, which tomcat-embed-core (and this app) does without.
    tomcat.setAddDefaultWebXmlToWebapp(false);
    context = tomcat.addWebapp("", new File(war).getAbsolutePath());
    // Only the WAR's own classes and jars are scanned, as in the image; not the test classpath.
    ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);
    tomcat.start();
    assertEquals(LifecycleState.STARTED, context.getState(), "the web application started");
    base = URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort());
  }

  @AfterAll
  static void stopTomcat() throws Exception {
    if (tomcat != null) {
      tomcat.stop();
      tomcat.destroy();
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthAnswers200WithJson() throws Exception {
    HttpResponse<String> response = get("/health");
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(
        response.headers().firstValue("content-type").orElse("").startsWith("application/json"),
        response.headers().toString());
    assertTrue(response.body().startsWith("{\"status\":\"UP\""), response.body());
  }

  @Test
  void homePageIsServedAtTheRoot() throws Exception {
    HttpResponse<String> response = get("/");
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.body().contains("<dt>Environment</dt>"), response.body());
  }

  @Test
  void theWarCarriesItsBuildCommit() throws Exception {
    String expected = System.getProperty("build.commit", "local");
    assertTrue(get("/health").body().contains("\"commit\":\"" + expected + "\""));
  }

  @Test
  void unknownPathsAre404() throws Exception {
    assertEquals(404, get("/nothing-here").statusCode());
  }
}
