package io.hedgerow.router.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The gateway's logback.xml, as the jar loads it: the batching appender on stdout, with the shipped pattern. */
class ShippedLogbackXmlTest {
  @Test
  void configuresTheBatchingAppenderWithTheShippedSettings() throws Exception {
    LoggerContext context = shippedContext();
    try {
      var appender = assertInstanceOf(BatchingConsoleAppender.class,
          context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT"));
      assertTrue(appender.isStarted());
      assertEquals(8192, appender.getQueueSize());
      assertEquals(50, appender.getFlushIntervalMillis());
      var encoder = assertInstanceOf(PatternLayoutEncoder.class, appender.getEncoder());
      assertEquals("%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n", encoder.getPattern());
    } finally {
      context.stop();
    }
  }

  @Test
  void anAccessLineReachesStdoutWhenLoggingStops() throws Exception {
    PrintStream realStdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = shippedContext();
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      context.getLogger("hedgerow.access").info("path=/v1/chat/completions status=200");
      context.stop();
    } finally {
      System.setOut(realStdout);
    }

    String out = captured.toString(StandardCharsets.UTF_8);
    assertTrue(out.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  hedgerow.access - path=/v1/chat/completions status=200\n"),
        out);
  }

  private static LoggerContext shippedContext() throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter()); // SLF4J's provider does this for the context it builds
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(ShippedLogbackXmlTest.class.getResource("/logback.xml"));
    List<Status> statuses = context.getStatusManager().getCopyOfStatusList();
    assertTrue(statuses.stream().allMatch(s -> s.getLevel() < Status.WARN), "logback.xml gave warnings: " + statuses);
    return context;
  }
}
