package com.example.javawar;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /health}: the readiness and liveness probes' endpoint. */
@WebServlet(name = "health", urlPatterns = {"/health"}, loadOnStartup = 1)
public class HealthServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private transient Settings settings;

  @Override
  public void init() {
    settings = Settings.from(System.getenv(), BuildInfo.commit(getServletContext()));
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType("application/json;charset=UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.getWriter().write(Pages.health(settings));
  }
}
