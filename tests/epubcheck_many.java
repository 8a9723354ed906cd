// epubcheck on many EPUBs in one JVM: `java -cp epubcheck.jar tests/epubcheck_many.java A.epub B.epub ...`
// (Java 11+ runs a single source file without javac). A JVM start and epubcheck's schema
// loading cost seconds each; one JVM for all the corpus books costs them once.
//
// Prints, on stdout, one tab-separated line per message at USAGE severity or above:
//   MESSAGE <epub> <severity> <id> <path:line:column> <text>
// then one line per EPUB:
//   RESULT <epub> <fatal> <errors> <warnings> <usages>
// An EPUB whose check throws is reported as one FATAL message with the exception.

import com.adobe.epubcheck.api.EPUBLocation;
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.api.MasterReport;
import com.adobe.epubcheck.messages.Message;
import com.adobe.epubcheck.messages.Severity;
import com.adobe.epubcheck.util.FeatureEnum;
import java.io.File;
import java.util.EnumMap;
import java.util.Map;

public class epubcheck_many {

    static final class CountingReport extends MasterReport {
        final String epub;
        final Map<Severity, Integer> counts = new EnumMap<>(Severity.class);

        CountingReport(String epub) {
            this.epub = epub;
            setEpubFileName(epub);
        }

        int count(Severity severity) {
            return counts.getOrDefault(severity, 0);
        }

        @Override
        public void message(Message message, EPUBLocation location, Object... args) {
            Severity severity = message.getSeverity();
            if (severity == Severity.SUPPRESSED || severity == Severity.INFO) {
                return;
            }
            counts.merge(severity, 1, Integer::sum);
            String where = location == null ? "" : location.getPath() + ":" + location.getLine() + ":" + location.getColumn();
            String text = message.getMessage(args).replace('\t', ' ').replace('\n', ' ');
            System.out.println("MESSAGE\t" + epub + "\t" + severity + "\t" + message.getID() + "\t" + where + "\t" + text);
        }

        @Override
        public void info(String resource, FeatureEnum feature, String value) {
        }

        @Override
        public int generate() {
            return 0;
        }

        @Override
        public void initialize() {
        }
    }

    public static void main(String[] args) {
        for (String path : args) {
            CountingReport report = new CountingReport(path);
            try {
                new EpubCheck(new File(path), report).doValidate();
            } catch (Exception | Error exc) {
                report.counts.merge(Severity.FATAL, 1, Integer::sum);
                System.out.println("MESSAGE\t" + path + "\tFATAL\tCHECKER\t\t" + exc.toString().replace('\n', ' '));
            }
            System.out.println("RESULT\t" + path + "\t" + report.count(Severity.FATAL) + "\t" + report.count(Severity.ERROR)
                    + "\t" + report.count(Severity.WARNING) + "\t" + report.count(Severity.USAGE));
            System.out.flush();
        }
    }
}
