{{ stage_actions('us_cbp_wro__actions') }}
