{{ stage_actions('us_dhs_uflpa__actions') }}
