// Helpers shared by the HTML report's files (not part of the report API): number and unit
// formatting, SVG coordinates and axes, colours, and the embedded stylesheet and script.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace perfprobe::report::html {

// The drawing area of every chart, in SVG user units (the SVG scales to the page width).
inline constexpr double kWidth = 1000;
inline constexpr double kLeft = 110;  // room for lane names and y-axis labels
inline constexpr double kRight = 12;
inline constexpr double kPlot = kWidth - kLeft - kRight;

// A coordinate or value with at most `decimals` digits after the point, trailing zeros dropped.
[[nodiscard]] std::string num(double v, int decimals = 2);
// "12.3 ms", "1.20 s", "850 µs" from milliseconds; "1.5 GiB" from bytes; "12.3 M" from a count.
[[nodiscard]] std::string ms_text(double ms);
[[nodiscard]] std::string bytes_text(double bytes);
[[nodiscard]] std::string count_text(double count);
// Round axis values covering [lo, hi]: about `target` of them at a step of 1, 2 or 5 times 10^k.
[[nodiscard]] std::vector<double> nice_ticks(double lo, double hi, int target);
// A stable colour for a name: warm hues for flame graphs (`warm`), spread hues for phases.
[[nodiscard]] std::string color_of(std::string_view name, bool warm);
// The x axis of a time chart from 0 to `total_ms` at height `y`; JS redraws it when zoomed.
[[nodiscard]] std::string time_axis(double total_ms, double y, double grid_top);
// A command line as a shell would take it back: words with spaces or quotes in single quotes.
[[nodiscard]] std::string command_text(const std::vector<std::string>& words);
// JSON for the script in a <script type="application/json"> element: '<' cannot end the element.
[[nodiscard]] std::string script_json(std::string_view id, const std::string& json_text);

[[nodiscard]] const char* stylesheet();
[[nodiscard]] const char* script();

}  // namespace perfprobe::report::html
