package com.example.javawar;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The home page, at the context root only (the empty pattern): anything else is a 404. */
@WebServlet(name = "home", urlPatterns = {""})
public class HomeServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private transient Settings settings;

  @Override
  public void init() {
    settings = Settings.from(System.getenv(), BuildInfo.commit(getServletContext()));
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    response.setContentType("text/html;charset=UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.getWriter().write(Pages.home(settings));
  }
}
