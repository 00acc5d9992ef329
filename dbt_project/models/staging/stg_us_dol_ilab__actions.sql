{{ stage_actions('us_dol_ilab__actions') }}
