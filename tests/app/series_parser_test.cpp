// The currency of prices: named by a price series' unit ("USD/MWh"), recorded for the result
// set's /meta and its units, and one per file.

#include "app/series_parser.hpp"

#include <catch2/catch.hpp>

#include "app/scenario.hpp"
#include "simcore/error.hpp"
#include "tests/app/cli_helpers.hpp"

using namespace wattsim;
using Catch::Matchers::Contains;

TEST_CASE("a price unit names its currency before the slash", "[app][currency]") {
  CHECK(app::currency_of_price_unit("USD/MWh") == "USD");
  CHECK(app::currency_of_price_unit("EUR / kWh") == "EUR");
  CHECK(app::currency_of_price_unit("CHF/t") == "CHF");
  CHECK(app::currency_of_price_unit("per MWh") == "");
  CHECK(app::currency_of_price_unit("/MWh") == "");
  CHECK(app::currency_of_price_unit(" /MWh") == "");
  CHECK(app::currency_of_price_unit("") == "");
}

TEST_CASE("a scenario's currency comes from its price series, and two currencies are an error", "[app][currency]") {
  const std::string scenario = test::source_path("scenarios/solar-battery.json");
  CHECK(app::load_scenario(scenario).currency == "USD");  // the column "Price (USD/MWh)"
  CHECK(app::load_scenario(scenario, {"supply.price.unit=EUR/MWh"}).currency == "EUR");
  CHECK(app::load_scenario(test::source_path("scenarios/default.json")).currency.empty());  // no prices

  test::TempDir dir("currency");
  const std::string credits =
      dir.write("credits.csv", "time,price\n2020-01-01T00:00:00Z,80\n2030-01-01T00:00:00Z,80\n");
  const std::string series =
      R"({"csv": ")" + credits + R"(", "time_column": "time", "value_column": "price", "unit": ")";
  CHECK(app::load_scenario(scenario, {"carbon.credits.price=" + series + R"(USD/t"})"}).currency == "USD");
  try {
    app::load_scenario(scenario, {"supply.price.unit=EUR/MWh", "carbon.credits.price=" + series + R"(USD/t"})"});
    FAIL("two currencies were accepted");
  } catch (const simcore::InputError& e) {
    const std::string message = simcore::format_diagnostics(e.diagnostics());
    CHECK_THAT(message, Contains("supply.price.unit: is \"EUR/MWh\", in EUR, but another price is in USD") &&
                            Contains("one currency"));
  }
}
